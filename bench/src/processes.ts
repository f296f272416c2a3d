import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stopProcess } from '../../scripts/lib/stop-process.mjs';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface StartOptions {
  args?: string[];
  /** Extra Node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /**
   * `true` when the caller reads the child's stdout (`jsonLines`). Otherwise it
   * goes to ours: an unread pipe fills up and then blocks the child's writes.
   */
  readStdout?: boolean;
}

/** Starts a TypeScript entry point of the repo (through tsx) or a built file. */
export function startNode(entry: string, env: NodeJS.ProcessEnv, options: StartOptions = {}): ChildProcess {
  const runner = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), ...runner, join(repoRoot, entry), ...(options.args ?? [])],
    {
      cwd: repoRoot,
      env,
      stdio: ['ignore', options.readStdout ? 'pipe' : 'inherit', 'inherit'],
    },
  );
}

/** CPU time of every live process with this command name (e.g. all PostgreSQL backends), in milliseconds. */
export function cpuMsByName(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== name) continue;
    } catch {
      continue;
    }
    total += cpuMs(Number(entry)) ?? 0;
  }
  return total;
}

/** CPU time (user + system) a live process has used so far, in milliseconds. */
export function cpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Math.round((ticks * 1000) / 100);
  } catch {
    return null;
  }
}

/** Resolves with each JSON line the child prints, in order. */
export function jsonLines(child: ChildProcess): AsyncGenerator<Record<string, unknown>> {
  const queue: Array<Record<string, unknown>> = [];
  let wake: (() => void) | null = null;
  let ended = false;
  let buffer = '';
  child.stdout?.on('data', (d: Buffer) => {
    buffer += d.toString('utf8');
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (line.startsWith('{')) {
        try {
          queue.push(JSON.parse(line));
        } catch {}
      }
      nl = buffer.indexOf('\n');
    }
    wake?.();
  });
  child.on('exit', () => {
    ended = true;
    wake?.();
  });
  return (async function* () {
    while (true) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (ended) return;
      await new Promise<void>((r) => {
        wake = r;
      });
      wake = null;
    }
  })();
}

/** Polls a URL until it answers 2xx. */
export async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process for ${url} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/** Peak resident memory (VmHWM) of a live process, in MB. */
export function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/** SIGTERM, then SIGKILL when the process is still running 35 s later. */
export function stop(child: ChildProcess): Promise<void> {
  return stopProcess(child, { graceMs: 35_000 });
}

import { execFile, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { repoRoot, waitFor } from '@wrenn/testing';

const run = promisify(execFile);

/**
 * `npm start` as a terminal runs it (from `cwd`, the repository unless given): in a process
 * group of its own, so `ctrlC()` signals the whole group at once, as the terminal's Ctrl-C does.
 * `closed` waits for every process that holds its output (npm, the script, the API, the worker),
 * not only for npm, which dies of the signal itself while the script is still stopping what it
 * started.
 */
export function npmStart(env: NodeJS.ProcessEnv, cwd: string = repoRoot) {
  const child = spawn('npm', ['start'], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    output: () => output,
    closed,
    ctrlC: () => child.pid && process.kill(-child.pid, 'SIGINT'),
    ready: () =>
      waitFor(() => output.includes('Press Ctrl-C to stop.') || output.includes('[wrenn] stopped'), {
        timeoutMs: 90_000,
        message: `npm start did not come up:\n${output.slice(-2000)}`,
      }).then(() => {
        if (!output.includes('Press Ctrl-C to stop.')) throw new Error(`npm start stopped:\n${output.slice(-2000)}`);
      }),
  };
}

/** The commands printed under "Your first notification", in order. */
export function firstNotificationCommands(output: string): string[] {
  const section = output.slice(output.indexOf('Your first notification'));
  return [...section.matchAll(/^ {2}(curl .*)$/gm)].map((m) => m[1] as string).slice(0, 3);
}

/** Runs one printed command in a shell and parses its JSON answer. */
export async function shell(command: string): Promise<unknown> {
  const { stdout } = await run('sh', ['-c', command], { cwd: tmpdir() });
  return JSON.parse(stdout);
}

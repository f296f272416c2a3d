import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for';

/** The repository root (tests spawn the apps from here). */
export const repoRoot = join(import.meta.dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface AppProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
}

/** Starts an app's TypeScript entry (`apps/api/src/main.ts`) as a child process, through tsx. */
export function startApp(entry: string, env: NodeJS.ProcessEnv): AppProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, entry)], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString('utf8');
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString('utf8');
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return { child, output: () => output, exited };
}

/** Waits until `url` answers with `status`. */
export async function waitForStatus(url: string, status: number, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      try {
        return (await fetch(url, { signal: AbortSignal.timeout(3_000) })).status === status;
      } catch {
        return false;
      }
    },
    { timeoutMs, intervalMs: 100, message: `${url} did not answer ${status} within ${timeoutMs} ms` },
  );
}

export interface RedisProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
}

/** A Redis server of the test's own (to stop and restart it), on a free loopback port. */
export async function startPrivateRedis(): Promise<RedisProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wrenn-redis-'));
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'yes'],
      { stdio: 'ignore' },
    );
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = new Socket();
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
          socket.connect(port, '127.0.0.1');
        }),
      { timeoutMs: 10_000, message: 'redis-server did not start' },
    );
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}

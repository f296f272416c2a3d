import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
  const server = redisServer(port, ['--dir', dir, '--save', '', '--appendonly', 'yes']);
  await server.start();
  return { url: `redis://127.0.0.1:${port}`, port, stop: server.stop, start: server.start };
}

/** One redis-server process on a loopback port, started and SIGKILLed on demand. */
function redisServer(port: number, args: string[]): { start(): Promise<void>; stop(): Promise<void> } {
  let child: ChildProcess | null = null;
  const start = async () => {
    const started = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), ...args], {
      stdio: 'ignore',
    });
    child = started;
    // A test that times out before its cleanup must not leave the server running.
    const killOnExit = () => started.kill('SIGKILL');
    process.once('exit', killOnExit);
    started.once('exit', () => process.removeListener('exit', killOnExit));
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
  return { start, stop };
}

export interface RedisClusterProcess {
  /** `host:port,…` of every master, for `WRENN_REDIS_CLUSTER_NODES`. */
  seeds: string;
  /** Each master: `stop()` kills it (SIGKILL), `start()` brings it back into the cluster with its data gone. */
  nodes: Array<{ port: number; stop(): Promise<void>; start(): Promise<void> }>;
  /** Stops every node. */
  close(): Promise<void>;
}

/**
 * A Redis Cluster of the test's own: `masters` nodes without replicas or
 * persistence (a killed master comes back empty, as after a crash), their slots
 * split evenly, ready once every node reports `cluster_state:ok`.
 */
export async function startPrivateRedisCluster(masters = 3): Promise<RedisClusterProcess> {
  const root = mkdtempSync(join(tmpdir(), 'wrenn-redis-cluster-'));
  const nodes: RedisClusterProcess['nodes'] = [];
  for (let i = 0; i < masters; i++) {
    const port = await freePort();
    const dir = join(root, String(i));
    mkdirSync(dir);
    // nodes.conf keeps the node's identity and slots across a restart; the data is not kept.
    const flags = ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000', '--appendonly', 'no'];
    const server = redisServer(port, ['--dir', dir, '--save', '', ...flags]);
    nodes.push({ port, ...server });
  }
  const close = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((node) => node.start()));
    const seeds = nodes.map((node) => `127.0.0.1:${node.port}`);
    execFileSync('redis-cli', ['--cluster', 'create', ...seeds, '--cluster-yes'], { stdio: 'ignore' });
    await waitFor(() => nodes.every((node) => clusterInfo(node.port).includes('cluster_state:ok')), {
      timeoutMs: 20_000,
      message: 'the cluster did not reach cluster_state:ok',
    });
    return { seeds: seeds.join(','), nodes, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** `CLUSTER INFO` of one node ('' when it does not answer). */
export function clusterInfo(port: number): string {
  try {
    return execFileSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

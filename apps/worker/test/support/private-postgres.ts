import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@wrenn/testing';
import pg from 'pg';

export interface PostgresProcess {
  url: string;
  /** Kills the server and every backend at once, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data (crash recovery runs first). */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql');
  return join(root, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user. */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

async function accepts(port: number): Promise<boolean> {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A small PostgreSQL server of the test's own, to crash and restart. Commits are
 * acknowledged only once their WAL is written (synchronous_commit stays on), so a
 * killed server keeps every acknowledged commit; fsync is off as the machine
 * itself does not crash.
 */
export async function startPrivatePostgres(): Promise<PostgresProcess> {
  const bin = binDir();
  const user = runAs();
  const work = mkdtempSync(join(tmpdir(), 'wrenn-pg-'));
  chmodSync(work, 0o755);
  const data = join(work, 'data');
  if (user.uid !== undefined && user.gid !== undefined) chownSync(work, user.uid, user.gid);
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], {
    stdio: 'ignore',
    cwd: work,
    ...user,
  });
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async () => {
    const settings = ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
    settings.push('-c', 'unix_socket_directories=', '-c', 'max_connections=60', '-c', 'shared_buffers=16MB');
    settings.push('-c', 'fsync=off', '-c', 'full_page_writes=off');
    // Its own process group, so one signal reaches the server and all its backends.
    child = spawn(join(bin, 'postgres'), settings, { stdio: 'ignore', cwd: work, detached: true, ...user });
    const started = child;
    // Listening is not enough: during recovery it refuses connections ("starting up").
    await waitFor(async () => started.exitCode === null && (await accepts(port)), {
      timeoutMs: 20_000,
      intervalMs: 50,
      message: 'private PostgreSQL did not start',
    });
  };
  const kill = async () => {
    const c = child;
    if (!c?.pid || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      c.kill('SIGKILL');
    }
    await exited;
    // Backends die with the group; wait until nothing listens any more.
    await waitFor(async () => !(await listening(port)), { timeoutMs: 10_000 });
  };

  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kill,
    start,
    async destroy() {
      await kill();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

// Project-local PostgreSQL and Redis for `npm start`, `npm test` and `npm run bench`.
// Plain Node (no dependencies): this runs before anything is installed.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepOutput, serverFailure } from './server-output.mjs';
import { stopProcess } from './stop-process.mjs';

const isRoot = process.getuid?.() === 0;

export function log(message) {
  process.stdout.write(`[wrenn] ${message}\n`);
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || null;
}

function postgresBinDir() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : null;
}

const PGBOUNCER = '/usr/sbin/pgbouncer';

/** Installs the Debian packages for what is missing (root), or stops with a one-line instruction. */
export function ensureSystemPackages({ postgres = true, redis = true, chromium = false } = {}) {
  const missing = [];
  if (postgres && !postgresBinDir()) missing.push('postgresql');
  if (redis && !which('redis-server')) missing.push('redis-server');
  // The portal's browser tests drive Debian's Chromium (browser downloads from npm cannot work here).
  if (chromium && !existsSync('/usr/bin/chromium')) missing.push('chromium');
  if (missing.length === 0) return;
  if (!isRoot || !which('apt-get')) {
    const alternative = chromium && !postgres && !redis ? '' : ' (or set DATABASE_URL and REDIS_URL)';
    console.error(
      `Missing ${missing.join(' and ')}: run "sudo apt-get install -y ${missing.join(' ')}"${alternative}, then try again.`,
    );
    process.exit(1);
  }
  aptInstall(missing);
}

function aptInstall(packages) {
  log(`installing ${packages.join(', ')} from the OS packages…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
}

/**
 * Installs Debian's PgBouncer when missing and possible (root), without letting the
 * package start its own service. Returns a reason when it cannot be had, else null.
 */
export function ensurePgbouncer() {
  if (existsSync(PGBOUNCER)) return null;
  if (!isRoot || !which('apt-get')) return 'pgbouncer is not installed (run "sudo apt-get install -y pgbouncer")';
  // invoke-rc.d asks policy-rc.d; 101 = "do not start". Only ours is removed afterwards.
  const policy = '/usr/sbin/policy-rc.d';
  const ours = !existsSync(policy);
  if (ours) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    aptInstall(['pgbouncer']);
  } catch (err) {
    return `pgbouncer could not be installed: ${err instanceof Error ? err.message : err}`;
  } finally {
    if (ours) rmSync(policy, { force: true });
  }
  return existsSync(PGBOUNCER) ? null : 'pgbouncer could not be installed';
}

/**
 * Starts PgBouncer in transaction mode on a free loopback port in front of the PostgreSQL
 * on `postgresPort`, as a transaction-mode pooler of managed PostgreSQL runs: no startup
 * parameters beyond the ones it tracks, server connections shared between clients, and
 * its own query and idle-transaction timeouts.
 */
export async function startPgbouncer({ dir, postgresPort }) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = host=127.0.0.1 port=${postgresPort}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 10',
      'max_client_conn = 500',
      'query_timeout = 15',
      'idle_transaction_timeout = 30',
      '',
    ].join('\n'),
  );
  const user = postgresUser();
  if (isRoot) for (const file of [dir, ini, join(dir, 'users.txt')]) chownSync(file, user.uid, user.gid);
  // PgBouncer refuses to run as root.
  const child = spawn(PGBOUNCER, [ini], { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...user });
  const server = superviseServer(child, {
    name: 'PgBouncer',
    advice: `Fix what PgBouncer says above; its configuration is ${ini}.`,
    stopSignal: 'SIGTERM',
  });
  await server.started((isAlive) => waitForPort(port, 10_000, isAlive));
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, stop: server.stop };
}

/** Returns the preferred port when it is free, else any free loopback port. */
export async function freePort(preferred = 0) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const { port: actual } = server.address();
        server.close(() => resolve(actual));
      });
    });
  return (preferred && (await tryPort(preferred))) || (await tryPort(0));
}

function waitForPort(port, timeoutMs, isAlive) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (!isAlive()) return reject(new Error(`process exited before listening on ${port}`));
        if (Date.now() > deadline) return reject(new Error(`nothing listens on ${port} after ${timeoutMs} ms`));
        setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/**
 * Resolves once PostgreSQL accepts sessions. Its port opens before it has finished starting up
 * (a fresh cluster, a recovery), and a query then fails with "the database system is starting up".
 */
async function waitForPostgres(bin, port, timeoutMs, isAlive) {
  const deadline = Date.now() + timeoutMs;
  const args = ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-t', '2'];
  const accepts = () => new Promise((resolve) => execFile(join(bin, 'pg_isready'), args, (err) => resolve(!err)));
  while (!(await accepts())) {
    if (!isAlive()) throw new Error(`process exited before accepting connections on ${port}`);
    if (Date.now() > deadline) throw new Error(`no connections accepted on ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How long a local server may take to stop before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * PostgreSQL refuses to run as root: as root, run it as the Debian `postgres`
 * user directly (uid/gid on spawn, not through runuser, so signals reach it).
 * Empty when not root: the server runs as this process's user.
 */
export function postgresUser() {
  if (!isRoot) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/**
 * A local server whose failures are never silent: each one ends with the server's own last
 * lines and `advice`, one sentence on what to do. `started(waitUntilReady)` throws such an error
 * when the server does not get ready (and kills it); `onFailure(callback)` hears of a server
 * that exits later without `stop()`, which a running `npm start` must not miss.
 */
function superviseServer(child, { name, advice, stopSignal }) {
  const output = keepOutput(child);
  let stopping = false;
  let onFailure = () => {};
  child.once('exit', async (code, signal) => {
    if (stopping) return;
    await output.ended;
    onFailure(serverFailure(`${name} stopped (${signal ?? `exit code ${code}`})`, output.text(), advice));
  });
  return {
    async started(waitUntilReady) {
      try {
        await waitUntilReady(() => child.exitCode === null);
      } catch (err) {
        stopping = true;
        child.kill('SIGKILL');
        await output.ended;
        throw serverFailure(`${name} did not start (${err.message})`, output.text(), advice);
      }
    },
    stop: () => {
      stopping = true;
      return stopProcess(child, { signal: stopSignal, graceMs: STOP_GRACE_MS });
    },
    onFailure: (callback) => {
      onFailure = callback;
    },
  };
}

/**
 * Starts PostgreSQL with data in `dataDir` (created by initdb when empty),
 * listening on loopback only. Resolves once it accepts connections. When initdb or the
 * server fails, the error carries their own last lines and what to do; `onFailure(callback)`
 * hears of a server that exits later without being stopped.
 */
export async function startPostgres({ dataDir, port, durable = true, detached = false }) {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql');
  const socketDir = join(dataDir, '..', 'pg-socket');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(socketDir, { recursive: true });
  const user = postgresUser();
  if (isRoot) {
    chownSync(dataDir, user.uid, user.gid);
    chownSync(socketDir, user.uid, user.gid);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const args = ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'];
    const initdb = spawnSync(join(bin, 'initdb'), args, { encoding: 'utf8', cwd: dataDir, ...user });
    if (initdb.status !== 0)
      throw serverFailure(
        `initdb could not create PostgreSQL's cluster in ${dataDir}`,
        initdb.error?.message ?? (initdb.stderr || initdb.stdout),
        `Fix what initdb says above, or remove ${dataDir} so that it starts afresh.`,
      );
  }
  const settings = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${socketDir}`,
    '-c',
    'max_connections=300',
    ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  const child = spawn(join(bin, 'postgres'), settings, {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: dataDir,
    detached,
    ...user,
  });
  const server = superviseServer(child, {
    name: 'PostgreSQL',
    advice: `Fix what PostgreSQL says above; its data is in ${dataDir} (moving that folder aside starts an empty database).`,
    // SIGINT = fast shutdown: in-flight transactions are rolled back, data is kept.
    stopSignal: 'SIGINT',
  });
  await server.started((isAlive) => waitForPostgres(bin, port, 15_000, isAlive));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: server.stop,
    onFailure: server.onFailure,
  };
}

/**
 * Starts Redis on loopback with data in `dir`; append-only persistence when `durable`.
 * `detached` (both servers) puts it in a process group of its own, out of reach of a terminal's
 * Ctrl-C, so the caller alone decides when and in which order it stops.
 */
export async function startRedis({ dir, port, durable = true, detached = false }) {
  mkdirSync(dir, { recursive: true });
  const args = [
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    dir,
    '--save',
    '',
    '--daemonize',
    'no',
    '--maxmemory-policy',
    'noeviction',
    '--appendonly',
    durable ? 'yes' : 'no',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'], detached });
  const server = superviseServer(child, {
    name: 'Redis',
    advice: `Fix what Redis says above; its data is in ${dir} (moving that folder aside starts an empty Redis).`,
    stopSignal: 'SIGTERM',
  });
  await server.started((isAlive) => waitForPort(port, 10_000, isAlive));
  return { url: `redis://127.0.0.1:${port}`, port, stop: server.stop, onFailure: server.onFailure, child };
}

/** Runs redis-cli against one node and returns its output. */
function redisCli(port, ...args) {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' }).trim();
}

/**
 * Starts a Redis Cluster of `masters` nodes (no replicas) on free loopback ports,
 * each with its folder under `dir`, and waits until every slot is served.
 * `stop()` ends the nodes; `nodes` keeps each node's port, process and a `restart()`
 * (same port, same cluster identity, data lost as after a crash without persistence).
 */
export async function startRedisCluster({ dir, masters = 3, detached = false }) {
  const nodes = [];
  const startNode = async (node) => {
    const args = [
      '--bind',
      '127.0.0.1',
      '--port',
      String(node.port),
      '--dir',
      node.dir,
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      '2000',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ];
    node.child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'], detached });
    await waitForPort(node.port, 10_000, () => node.child.exitCode === null);
  };
  const stop = () =>
    Promise.all(nodes.map((node) => node.child && stopProcess(node.child, { graceMs: STOP_GRACE_MS })));
  try {
    for (let i = 0; i < masters; i++) {
      const node = { port: await freePort(), dir: join(dir, `node-${i}`), child: null };
      mkdirSync(node.dir, { recursive: true });
      node.restart = async () => {
        await stopProcess(node.child, { signal: 'SIGKILL', graceMs: STOP_GRACE_MS });
        await startNode(node);
      };
      nodes.push(node);
      await startNode(node);
    }
    const seeds = nodes.map((n) => `127.0.0.1:${n.port}`);
    execFileSync('redis-cli', ['--cluster', 'create', ...seeds, '--cluster-yes'], { stdio: 'ignore' });
    const deadline = Date.now() + 20_000;
    while (!nodes.every((n) => redisCli(n.port, 'cluster', 'info').includes('cluster_state:ok'))) {
      if (Date.now() > deadline) throw new Error('the cluster did not reach cluster_state:ok within 20 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw new Error(`Redis Cluster did not start: ${err.message}`);
  }
  return { nodes, seeds: nodes.map((n) => `127.0.0.1:${n.port}`).join(','), stop };
}

/** Runs SQL with psql against a server and returns its unaligned output. */
export function psql(url, sql) {
  return execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** The pnpm command: a global pnpm, or installed globally (root), or through npx. */
export function ensurePnpm() {
  if (which('pnpm')) return ['pnpm', []];
  if (isRoot) {
    log('installing pnpm…');
    execFileSync('npm', ['install', '-g', '--silent', 'pnpm@10.34.8'], { stdio: 'inherit' });
    if (which('pnpm')) return ['pnpm', []];
  }
  return ['npx', ['-y', 'pnpm@10.34.8']];
}

/** Installs node_modules from the lockfile (fast when nothing changed). */
export function installWorkspace(pnpm, cwd) {
  const [cmd, pre] = pnpm;
  execFileSync(cmd, [...pre, 'install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], {
    stdio: 'inherit',
    cwd,
    env: { ...process.env, CI: process.env.CI ?? '' },
  });
}

/** Runs a command in `cwd` with inherited output; resolves with its exit code. */
export function runCommand(cmd, args, { cwd, env }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * Installs what is missing, then starts a PostgreSQL (with one empty database
 * `database`) and a Redis in a temporary folder. `stop()` ends both and removes it.
 */
export async function startThrowawayServices({ root, label, database, durable }) {
  const pnpm = ensurePnpm();
  installWorkspace(pnpm, root);
  ensureSystemPackages();
  const work = mkdtempSync(join(tmpdir(), `wrenn-${label}-`));
  // The postgres user (when run as root) must reach the data folder inside.
  chmodSync(work, 0o755);
  const started = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop().catch(() => {});
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const pg = await startPostgres({ dataDir: join(work, 'pg'), port: await freePort(), durable });
    started.push(pg);
    const redis = await startRedis({ dir: join(work, 'redis'), port: await freePort(), durable });
    started.push(redis);
    psql(pg.url, `CREATE DATABASE ${database}`);
    return {
      pnpm,
      work,
      redis,
      postgresPort: pg.port,
      databaseUrl: pg.url.replace(/\/postgres$/, `/${database}`),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

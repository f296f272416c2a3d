// `npm start`: everything needed for a local Wrenn Channels, then the API and the worker.
// Honours DATABASE_URL, REDIS_URL and every WRENN_* variable that is set. Ctrl-C stops all of it.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensurePnpm,
  ensureSystemPackages,
  freePort,
  installWorkspace,
  log,
  psql,
  startPostgres,
  startRedis,
} from './lib/services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.data');
mkdirSync(dataDir, { recursive: true });

/** Development secrets, generated once into .data/ (never used when the variables are set). */
function developmentSecrets() {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const uuidToId = (prefix) =>
    prefix +
    BigInt(`0x${randomUUID().replaceAll('-', '')}`)
      .toString(36)
      .padStart(25, '0');
  const secrets = {
    WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
    WRENN_INTERNAL_TOKEN: randomBytes(24).toString('hex'),
    devTeamId: uuidToId('team-'),
    devUserId: uuidToId('usr-'),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return secrets;
}

/** An HS256 JWT shaped like the platform's user tokens, valid for 30 days. */
function developmentToken(secret, teamId, userId) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({
    sub: userId,
    team_id: teamId,
    role: 'owner',
    email: 'dev@localhost',
    name: 'Developer',
    iat: now,
    exp: now + 30 * 86400,
  });
  const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}

async function waitReady(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url} process exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs / 1000} s`);
}

const pnpm = ensurePnpm();
installWorkspace(pnpm, root);
ensureSystemPackages({ postgres: !process.env.DATABASE_URL, redis: !process.env.REDIS_URL });

const secrets = developmentSecrets();
const env = { ...process.env };
for (const name of ['WRENN_ENCRYPTION_KEY', 'WRENN_JWT_SECRET', 'WRENN_INTERNAL_TOKEN']) env[name] ||= secrets[name];

const started = [];
const children = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const service of started.reverse()) await service.stop().catch(() => {});
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  if (!env.DATABASE_URL) {
    const pg = await startPostgres({ dataDir: join(dataDir, 'pg'), port: await freePort(5432) });
    started.push(pg);
    if (psql(pg.url, "SELECT 1 FROM pg_database WHERE datname = 'wrenn'") !== '1')
      psql(pg.url, 'CREATE DATABASE wrenn');
    env.DATABASE_URL = pg.url.replace(/\/postgres$/, '/wrenn');
    log(`PostgreSQL on 127.0.0.1:${pg.port} (data in .data/pg)`);
  }
  if (!env.REDIS_URL) {
    const redis = await startRedis({ dir: join(dataDir, 'redis'), port: await freePort(6379) });
    started.push(redis);
    env.REDIS_URL = redis.url;
    log(`Redis on 127.0.0.1:${redis.port} (data in .data/redis)`);
  }

  const [cmd, pre] = pnpm;
  await new Promise((resolve, reject) => {
    const migrate = spawn(cmd, [...pre, '--silent', 'db:migrate'], { cwd: root, env, stdio: 'inherit' });
    migrate.on('exit', (code) => (code === 0 ? resolve() : reject(new Error('migrations failed'))));
  });

  const apiPort = await freePort(Number(env.WRENN_API_PORT || 8080));
  const workerPort = await freePort(Number(env.WRENN_WORKER_PORT || 8081));
  const launch = (name, entry, port) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: root,
      env: { ...env, PORT: String(port) },
      stdio: 'inherit',
    });
    child.on('exit', (code) => {
      if (!stopping) {
        log(`${name} exited (${code}); stopping everything`);
        void stopAll(1);
      }
    });
    children.push(child);
    return child;
  };
  const api = launch('api', 'apps/api/src/main.ts', apiPort);
  const worker = launch('worker', 'apps/worker/src/main.ts', workerPort);
  await Promise.all([
    waitReady(`http://127.0.0.1:${apiPort}/ready`, api),
    waitReady(`http://127.0.0.1:${workerPort}/ready`, worker),
  ]);

  const token = developmentToken(env.WRENN_JWT_SECRET, secrets.devTeamId, secrets.devUserId);
  const base = `http://127.0.0.1:${apiPort}`;
  console.log(`
Wrenn Channels is running.
  API      ${base}   (docs: ${base}/docs)
  Worker   http://127.0.0.1:${workerPort}/ready

Development token (team ${secrets.devTeamId}, valid 30 days):
  ${token}

Try it:
  curl -s ${base}/v1/channels -H "Authorization: Bearer ${token}"

Press Ctrl-C to stop.`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stopAll(1);
}

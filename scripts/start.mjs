// `npm start`: everything needed for a local Wrenn Channels, then the API, the worker and a
// development inbox, and the commands that send a first notification through all of them.
// Honours DATABASE_URL, REDIS_URL and every WRENN_* variable that is set. Ctrl-C stops all of it.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDevInbox } from './lib/dev-inbox.mjs';
import { postgresClusterDir } from './lib/postgres-cluster-dir.mjs';
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
// WRENN_DATA_DIR keeps a second set of local data apart (tests use a temporary one).
const dataDir = resolve(root, process.env.WRENN_DATA_DIR || '.data');
mkdirSync(dataDir, { recursive: true });
const INBOX_CHANNEL = 'dev-inbox';

const uuidToId = (prefix) =>
  prefix +
  BigInt(`0x${randomUUID().replaceAll('-', '')}`)
    .toString(36)
    .padStart(25, '0');

/**
 * Development secrets, generated once into .data/ (the WRENN_* ones are not used when the
 * variables are set). Values added by later versions are filled into an existing file.
 */
function developmentSecrets() {
  const file = join(dataDir, 'secrets.json');
  const stored = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const secrets = {
    WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
    WRENN_INTERNAL_TOKEN: randomBytes(24).toString('hex'),
    devTeamId: uuidToId('team-'),
    devUserId: uuidToId('usr-'),
    // The inbox channel's signing secret, shaped like a generated one: the inbox must know it
    // to verify signatures, and the API shows a generated secret only to whoever created it.
    devWebhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
    ...stored,
  };
  if (Object.keys(secrets).length !== Object.keys(stored).length)
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

/** The inbox channel of an earlier run on the same database, if any. */
async function findInboxChannel(base, token) {
  const res = await fetch(`${base}/v1/channels`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) return null;
  return (await res.json()).find((channel) => channel.name === INBOX_CHANNEL) ?? null;
}

/**
 * What to run first, as plain one-line commands in order. A channel left by an earlier run is
 * re-pointed at this run's inbox (its port may differ) instead of being created again.
 */
function banner({ base, workerPort, token, inbox, existing, portalLink }) {
  const auth = `-H "Authorization: Bearer ${token}"`;
  const json = `-H "Content-Type: application/json"`;
  // The inbox's signing secret is not printed: the command reads it from the private secrets file.
  const withSecret = (body) =>
    `"$(node -p 'const body = ${JSON.stringify(body)}; body.config.secret = require(${JSON.stringify(join(dataDir, 'secrets.json'))}).devWebhookSecret; JSON.stringify(body)')"`;
  const config = { url: inbox.url };
  const step1 = existing
    ? `curl -s -X PUT ${base}/v1/channels/${existing.id}/config ${auth} ${json} -d ${withSecret({ config })}`
    : `curl -s -X POST ${base}/v1/channels ${auth} ${json} -d ${withSecret({
        name: INBOX_CHANNEL,
        provider: 'webhook',
        config,
        events: ['capsule.created', 'capsule.running', 'capsule.paused', 'capsule.destroyed'],
      })}`;
  const entry = {
    team_id: secrets.devTeamId,
    actor: { type: 'user', id: secrets.devUserId, name: 'Developer' },
    resource_type: 'sandbox',
    resource_id: uuidToId('cl-'),
    action: 'create',
    metadata: { template: 'python-3.12' },
  };
  const step2 = `curl -s -X POST ${base}/internal/v1/audit -H "Authorization: Bearer ${env.WRENN_INTERNAL_TOKEN}" ${json} -d '${JSON.stringify(entry)}'`;
  // Until the channel exists its id is unknown: look it up by name in the channel list.
  const channelId = existing
    ? existing.id
    : `$(curl -s ${base}/v1/channels ${auth} | node -pe "JSON.parse(require('fs').readFileSync(0)).find((c) => c.name === '${INBOX_CHANNEL}').id")`;
  const step3 = `curl -s "${base}/v1/channels/${channelId}/deliveries" ${auth}`;

  const allowed = env.WRENN_ALLOW_PRIVATE_TARGETS === 'true';
  const privateTargets = privateTargetsDefaulted
    ? 'Private targets: allowed for development (WRENN_ALLOW_PRIVATE_TARGETS=true unless you set it; production refuses them).'
    : `Private targets: WRENN_ALLOW_PRIVATE_TARGETS=${env.WRENN_ALLOW_PRIVATE_TARGETS} as you set it${allowed ? '' : ': the inbox channel below is refused (400)'}.`;
  return `
Wrenn Channels is running.
  API      ${base}   (docs: ${base}/docs)
  Worker   http://127.0.0.1:${workerPort}/ready
  Inbox    ${inbox.url}   (prints a line per delivery it gets)
${privateTargets}

Development token (team ${secrets.devTeamId}, valid 30 days):
  ${token}
${portalLink ? `\nTeam portal (open in a browser; the link signs you in for 1 h):\n  ${portalLink}\n` : ''}
Your first notification: run these in order, then watch for the [inbox] line here.
1. ${existing ? `Point the ${INBOX_CHANNEL} channel of an earlier run at this inbox:` : `Create a webhook channel "${INBOX_CHANNEL}" signed with the inbox's secret (run twice, it answers 409: it exists, go on):`}
  ${step1}
2. Report a capsule creation, as the Wrenn platform does:
  ${step2}
3. List the channel's deliveries:
  ${step3}

Other requests:
  curl -s ${base}/v1/channels ${auth}

Press Ctrl-C to stop.`;
}

/** A portal link for the development team (`POST /internal/v1/portal-sessions`); null when it cannot be opened. */
async function openPortalSession(base, internalToken, { devTeamId, devUserId }) {
  try {
    const res = await fetch(`${base}/internal/v1/portal-sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${internalToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ team_id: devTeamId, user_id: devUserId, role: 'owner' }),
    });
    return res.status === 201 ? (await res.json()).url : null;
  } catch {
    return null;
  }
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
// The API serves the team portal's built files; build them once when missing.
if (!existsSync(join(root, 'apps', 'portal', 'dist', 'index.html'))) {
  log('building the team portal…');
  execFileSync(pnpm[0], [...pnpm[1], '--filter', '@wrenn/portal', 'build'], { cwd: root, stdio: 'inherit' });
}
ensureSystemPackages({ postgres: !process.env.DATABASE_URL, redis: !process.env.REDIS_URL });

const secrets = developmentSecrets();
const env = { ...process.env };
for (const name of ['WRENN_ENCRYPTION_KEY', 'WRENN_JWT_SECRET', 'WRENN_INTERNAL_TOKEN']) env[name] ||= secrets[name];
// Development talks to loopback (the inbox, local fakes); production keeps the safe default.
const privateTargetsDefaulted = env.WRENN_ALLOW_PRIVATE_TARGETS === undefined;
if (privateTargetsDefaulted) env.WRENN_ALLOW_PRIVATE_TARGETS = 'true';

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
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const service of started.reverse()) await service.stop().catch(() => {});
  log(code === 0 ? 'stopped' : 'stopped after an error');
  process.exit(code);
}
// The children run in process groups of their own, so a terminal's Ctrl-C reaches only this
// script, which stops the apps first (they drain) and the databases last.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(0));

/** A local server that dies while everything runs takes the rest down, saying why. */
function stopOnFailure(server) {
  server.onFailure((err) => {
    if (stopping) return;
    console.error(err.message);
    void stopAll(1);
  });
}

try {
  if (!env.DATABASE_URL) {
    const cluster = postgresClusterDir({ dataDir, label: basename(root) });
    const pg = await startPostgres({ dataDir: cluster.dir, port: await freePort(5432), detached: true });
    started.push(pg);
    stopOnFailure(pg);
    if (psql(pg.url, "SELECT 1 FROM pg_database WHERE datname = 'wrenn'") !== '1')
      psql(pg.url, 'CREATE DATABASE wrenn');
    env.DATABASE_URL = pg.url.replace(/\/postgres$/, '/wrenn');
    log(`PostgreSQL on 127.0.0.1:${pg.port} (data in ${cluster.dir}${cluster.reason ? `: ${cluster.reason}` : ''})`);
  }
  if (!env.REDIS_URL) {
    const redis = await startRedis({ dir: join(dataDir, 'redis'), port: await freePort(6379), detached: true });
    started.push(redis);
    stopOnFailure(redis);
    env.REDIS_URL = redis.url;
    log(`Redis on 127.0.0.1:${redis.port} (data in ${join(dataDir, 'redis')})`);
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
      detached: true,
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

  const inbox = await startDevInbox({ port: Number(env.WRENN_INBOX_PORT || 8082), secret: secrets.devWebhookSecret });
  started.push({ stop: inbox.close });

  const token = developmentToken(env.WRENN_JWT_SECRET, secrets.devTeamId, secrets.devUserId);
  const base = `http://127.0.0.1:${apiPort}`;
  const portalLink = await openPortalSession(base, env.WRENN_INTERNAL_TOKEN, secrets);
  console.log(banner({ base, workerPort, token, inbox, existing: await findInboxChannel(base, token), portalLink }));
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  await stopAll(1);
}

import { randomBytes } from 'node:crypto';
import { createSecretBox, sealConfig } from '@wrenn/crypto';
import { createDb, migrateToLatest } from '@wrenn/db';
import { newId } from '@wrenn/events';
import {
  type AppProcess,
  type FakeWebhookReceiver,
  freePort,
  holdsFor,
  type RedisProcess,
  startApp,
  startFakeWebhookReceiver,
  startPrivateRedis,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
  waitForStatus,
} from '@wrenn/testing';
import { afterEach, expect, it } from 'vitest';
import { type PostgresProcess, startPrivatePostgres } from './support/private-postgres';

/** Paces the load clients; not a wait on anything. */
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

let postgres: PostgresProcess | undefined;
let redis: RedisProcess | undefined;
let receiver: FakeWebhookReceiver | undefined;
const apps: AppProcess[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) {
    if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await app.exited;
  }
  await receiver?.close();
  await redis?.stop();
  await postgres?.destroy();
  postgres = undefined;
  redis = undefined;
});

interface System {
  api: AppProcess & { base: string };
  worker: AppProcess & { base: string };
  internalToken: string;
  team: string;
}

/** Migrates the database, creates a webhook channel, starts the API and a worker as processes. */
async function startSystem(databaseUrl: string, redisUrl: string): Promise<System> {
  const encryptionKey = randomBytes(32).toString('hex');
  const internalToken = randomBytes(24).toString('hex');
  const db = createDb({ connectionString: databaseUrl, max: 1 });
  const team = newId('team');
  try {
    const { error } = await migrateToLatest(db);
    if (error) throw error;
    const secrets = createSecretBox({ key: encryptionKey });
    await db
      .insertInto('channels')
      .values({
        id: newId('channel').uuid,
        team_id: team.uuid,
        name: 'ops',
        provider: 'webhook',
        config: JSON.stringify(sealConfig(secrets, { url: (receiver as FakeWebhookReceiver).url })),
        event_types: ['host.down'],
        disabled_reason: null,
      })
      .execute();
  } finally {
    await db.destroy();
  }
  const common = {
    PATH: process.env.PATH,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    WRENN_ENCRYPTION_KEY: encryptionKey,
    WRENN_QUEUE_PREFIX: uniqueQueuePrefix(),
    WRENN_ALLOW_PRIVATE_TARGETS: 'true',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  const [apiPort, workerPort] = [await freePort(), await freePort()];
  const api = startApp('apps/api/src/main.ts', {
    ...common,
    PORT: String(apiPort),
    WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
    WRENN_INTERNAL_TOKEN: internalToken,
  });
  apps.push(api);
  const worker = startApp('apps/worker/src/main.ts', {
    ...common,
    PORT: String(workerPort),
    // Retries spaced to outlast the outage: an attempt that met the database down comes back after it.
    WRENN_RETRY_DELAYS: '3s,6s,12s',
    WRENN_JOB_LOCK_MS: '5000',
  });
  apps.push(worker);
  const system = {
    api: { ...api, base: `http://127.0.0.1:${apiPort}` },
    worker: { ...worker, base: `http://127.0.0.1:${workerPort}` },
    internalToken,
    team: team.id,
  };
  for (const app of [system.api, system.worker]) {
    try {
      await waitForStatus(`${app.base}/ready`, 200, 30_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${app.output()}`);
    }
  }
  return system;
}

/** Two clients ingesting one event each, back to back; `acked` holds the numbers answered 202. */
function startLoad(system: System) {
  const acked: number[] = [];
  const refused = new Map<string, number>();
  let next = 0;
  let stopped = false;
  const client = async () => {
    while (!stopped) {
      const seq = next++;
      try {
        const res = await fetch(`${system.api.base}/internal/v1/audit`, {
          method: 'POST',
          headers: { authorization: `Bearer ${system.internalToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            team_id: system.team,
            actor: { type: 'system' },
            resource_type: 'host',
            resource_id: newId('host').id,
            action: 'marked_down',
            metadata: { seq },
          }),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        if (res.status === 202) acked.push(seq);
        else refused.set(String(res.status), (refused.get(String(res.status)) ?? 0) + 1);
      } catch (err) {
        refused.set((err as Error).name, (refused.get((err as Error).name) ?? 0) + 1);
      }
      await pause(20);
    }
  };
  const clients = [client(), client()];
  return {
    acked,
    refused,
    async stop() {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

function deliveredSeqs(): Set<number> {
  const seqs = new Set<number>();
  for (const r of receiver?.delivered() ?? []) {
    const seq = (r.payload as { metadata?: { seq?: number } }).metadata?.seq;
    if (typeof seq === 'number') seqs.add(seq);
  }
  return seqs;
}

async function readyStatus(base: string): Promise<number> {
  try {
    return (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

function alive(app: AppProcess): boolean {
  return app.child.exitCode === null && app.child.signalCode === null;
}

it('PostgreSQL killed under load and restarted: the API and the worker keep running and every acknowledged event arrives', {
  timeout: 120_000,
}, async () => {
  postgres = await startPrivatePostgres();
  receiver = await startFakeWebhookReceiver();
  const system = await startSystem(postgres.url, testRedisUrl());
  const pids = [system.api.child.pid, system.worker.child.pid];
  const load = startLoad(system);

  await waitFor(() => load.acked.length >= 20, { timeoutMs: 20_000 });
  await postgres.kill();
  const ackedBefore = load.acked.length;
  await waitFor(async () => (await readyStatus(system.api.base)) === 503, {
    message: 'the API stayed ready without PostgreSQL',
  });
  await waitFor(async () => (await readyStatus(system.worker.base)) === 503, {
    message: 'the worker stayed ready without PostgreSQL',
  });
  // The outage lasts a while under load, and neither reports ready during it.
  await holdsFor(
    async () => (await readyStatus(system.api.base)) !== 200 && (await readyStatus(system.worker.base)) !== 200,
    { forMs: 1_500, intervalMs: 250, message: 'ready again while PostgreSQL was down' },
  );
  await postgres.start();

  await waitForStatus(`${system.api.base}/ready`, 200, 30_000);
  await waitForStatus(`${system.worker.base}/ready`, 200, 30_000);
  // Load goes on for a while after the restart.
  await waitFor(() => load.acked.length >= ackedBefore + 20, { timeoutMs: 20_000 });
  await load.stop();

  const acked = [...load.acked];
  await waitFor(
    () => {
      const delivered = deliveredSeqs();
      return acked.every((seq) => delivered.has(seq));
    },
    { timeoutMs: 60_000, intervalMs: 250, message: 'not every acknowledged event arrived' },
  ).catch((err: Error) => {
    const delivered = deliveredSeqs();
    const missing = acked.filter((seq) => !delivered.has(seq));
    throw new Error(
      `${err.message}: missing ${missing.join(',')}\nAPI:\n${system.api.output().slice(-3000)}\nworker:\n${system.worker.output().slice(-3000)}`,
    );
  });

  expect([alive(system.api), alive(system.worker)]).toEqual([true, true]);
  expect([system.api.child.pid, system.worker.child.pid]).toEqual(pids);
  console.log(
    `PostgreSQL crash: ${acked.length} events acknowledged (${ackedBefore} before the kill), ` +
      `refused meanwhile: ${JSON.stringify(Object.fromEntries(load.refused))}, ${receiver.received.length} requests received`,
  );
});

it('Redis killed under load and restarted: the API and the worker keep running and every acknowledged event arrives', {
  timeout: 120_000,
}, async () => {
  postgres = await startPrivatePostgres();
  redis = await startPrivateRedis();
  receiver = await startFakeWebhookReceiver();
  const system = await startSystem(postgres.url, redis.url);
  const pids = [system.api.child.pid, system.worker.child.pid];
  const load = startLoad(system);

  await waitFor(() => load.acked.length >= 20, { timeoutMs: 20_000 });
  await redis.stop();
  const ackedBefore = load.acked.length;
  await waitFor(async () => (await readyStatus(system.worker.base)) === 503, {
    message: 'the worker stayed ready without Redis',
  });
  // The outage lasts a while under load, and the worker does not report ready during it.
  await holdsFor(async () => (await readyStatus(system.worker.base)) !== 200, {
    forMs: 1_500,
    intervalMs: 250,
    message: 'the worker was ready again while Redis was down',
  });
  await redis.start();

  await waitForStatus(`${system.api.base}/ready`, 200, 30_000);
  await waitForStatus(`${system.worker.base}/ready`, 200, 30_000);
  await waitFor(() => load.acked.length >= ackedBefore + 40, { timeoutMs: 20_000 });
  await load.stop();

  const acked = [...load.acked];
  await waitFor(
    () => {
      const delivered = deliveredSeqs();
      return acked.every((seq) => delivered.has(seq));
    },
    { timeoutMs: 60_000, intervalMs: 250, message: 'not every acknowledged event arrived' },
  ).catch((err: Error) => {
    const delivered = deliveredSeqs();
    const missing = acked.filter((seq) => !delivered.has(seq));
    throw new Error(
      `${err.message}: missing ${missing.join(',')}\nAPI:\n${system.api.output().slice(-3000)}\nworker:\n${system.worker.output().slice(-3000)}`,
    );
  });

  expect([alive(system.api), alive(system.worker)]).toEqual([true, true]);
  expect([system.api.child.pid, system.worker.child.pid]).toEqual(pids);
  console.log(
    `Redis crash: ${acked.length} events acknowledged (${ackedBefore} before the kill), ` +
      `refused meanwhile: ${JSON.stringify(Object.fromEntries(load.refused))}, ${receiver.received.length} requests received`,
  );
});

import { randomBytes } from 'node:crypto';
import { createDb } from '@wrenn/db';
import { newId } from '@wrenn/events';
import {
  type AppProcess,
  type FakeServer,
  freePort,
  spawnWorker,
  startApp,
  startFakeServer,
  type WorkerProcess,
  waitFor,
  waitForStatus,
} from '@wrenn/testing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

// `npm test` starts Debian's PgBouncer in transaction mode and names it here; it sets the
// skip reason only when PgBouncer could not be installed.
const pooler = process.env.WRENN_TEST_PGBOUNCER_URL;
const skipReason = process.env.WRENN_TEST_PGBOUNCER_SKIP;
if (!pooler && skipReason) console.warn(`pooler test skipped: ${skipReason}`);

let pipeline: Pipeline;
let receiver: FakeServer;
let api: AppProcess | undefined;
let worker: WorkerProcess | undefined;

/** The test database's URL with PgBouncer's host and port instead of PostgreSQL's. */
function throughPooler(databaseUrl: string): string {
  if (!pooler) throw new Error('WRENN_TEST_PGBOUNCER_URL is not set: run this test through npm test');
  const url = new URL(databaseUrl);
  url.host = new URL(pooler).host;
  return url.toString();
}

describe.skipIf(!pooler && skipReason)('behind PgBouncer in transaction mode', () => {
  beforeAll(async () => {
    pipeline = await createPipeline();
    receiver = await startFakeServer((_req, res) => {
      res.writeHead(200).end('ok');
    });
  });
  afterAll(async () => {
    for (const app of [api, worker]) {
      if (app && app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
      await app?.exited;
    }
    await pipeline?.close();
    await receiver?.close();
  });

  it('createDb connects through the pooler, which refuses the timeouts as startup parameters', async () => {
    const url = throughPooler(pipeline.databaseUrl);
    const refused = new pg.Client({ connectionString: url, statement_timeout: 15_000 });
    await expect(refused.connect()).rejects.toThrow(/unsupported startup parameter/);
    const db = createDb({ connectionString: url, max: 2 });
    try {
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it('an event ingested through the API is delivered, then pruned by retention', { timeout: 90_000 }, async () => {
    const databaseUrl = throughPooler(pipeline.databaseUrl);
    worker = await spawnWorker({ ...pipeline, databaseUrl }, { WRENN_DELIVERY_RETENTION: '1s' });

    const port = await freePort();
    const internalToken = randomBytes(24).toString('hex');
    api = startApp('apps/api/src/main.ts', {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      REDIS_URL: pipeline.redisUrl,
      WRENN_QUEUE_PREFIX: pipeline.queuePrefix,
      WRENN_ENCRYPTION_KEY: pipeline.encryptionKey,
      WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
      WRENN_INTERNAL_TOKEN: internalToken,
      WRENN_ALLOW_PRIVATE_TARGETS: 'true',
      PORT: String(port),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, 30_000).catch((err: Error) => {
      throw new Error(`the API did not become ready: ${err.message}\n${api?.output()}`);
    });

    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: `${receiver.origin}/hook` },
      events: ['capsule.created'],
    });
    const ingested = await fetch(`http://127.0.0.1:${port}/internal/v1/audit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(lifecycleEntry(team, 'sandbox', 'create')),
    });
    expect(ingested.status).toBe(202);

    const [delivered] = await waitFor(
      async () => {
        const rows = await pipeline.deliveriesOf(channel.uuid);
        return rows.length === 1 && rows[0]?.status === 'succeeded' ? rows : null;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers['webhook-id']).toBeDefined();

    // The worker's retention pass (every 30 s, the first 5 s after start) deletes the settled delivery and its event.
    await waitFor(
      async () => {
        const { rows } = await sql<{ deliveries: string; events: string }>`
          SELECT (SELECT count(*) FROM deliveries WHERE id = ${delivered?.id}) AS deliveries,
                 (SELECT count(*) FROM events WHERE id = ${delivered?.event_id}) AS events
        `.execute(pipeline.db);
        return rows[0]?.deliveries === '0' && rows[0]?.events === '0';
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  });
});

import { newId } from '@wrenn/events';
import { createProducerConnection, createQueues, type Queues } from '@wrenn/queues';
import { createLogger, createMetricsRegistry, type Registry } from '@wrenn/runtime';
import { createTestDatabase, startApp, type TestDatabase, testRedisUrl, uniqueQueuePrefix } from '@wrenn/testing';
import type { Redis } from 'ioredis';
import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadWorkerEnv } from '../src/env';
import { createPassLock } from '../src/relay/pass-lock';
import { type RetentionPolicy, startRetentionPruner } from '../src/retention/retention-pruner';
import { pruneAuditLogs, pruneDeliveries, pruneEvents, pruneIdempotencyKeys } from '../src/retention/retention-queries';
import { createWorkerMetrics, type WorkerMetrics } from '../src/worker-metrics';

const DAY = 86_400_000;
const logger = createLogger({ name: 'retention-test', level: 'silent' });
let database: TestDatabase;
let registry: Registry;
let metrics: WorkerMetrics;
let redis: Redis;
let queues: Queues;
let prefix: string;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = createProducerConnection(testRedisUrl());
  prefix = uniqueQueuePrefix();
  queues = createQueues(redis, prefix);
});
afterAll(async () => {
  await queues?.close();
  redis?.disconnect();
  await database?.drop();
});
function pruner(policy: RetentionPolicy, batchSize?: number) {
  const started = startRetentionPruner({
    db: database.db,
    redis,
    prefix,
    policy,
    logger,
    metrics,
    intervalMs: 3_600_000,
    batchSize,
  });
  return started;
}

const ago = (ms: number) => new Date(Date.now() - ms);

async function channel(team: string): Promise<string> {
  const id = newId('channel').uuid;
  await database.db
    .insertInto('channels')
    .values({ id, team_id: team, name: id, provider: 'webhook', config: '{}', event_types: ['host.down'] })
    .execute();
  return id;
}

async function auditEntry(team: string, createdAt: Date): Promise<string> {
  const id = newId('auditLog').uuid;
  await database.db
    .insertInto('audit_logs')
    .values({
      id,
      team_id: team,
      actor_type: 'system',
      actor_name: '',
      resource_type: 'host',
      action: 'marked_down',
      scope: 'team',
      status: 'success',
      metadata: '{}',
      created_at: createdAt,
    })
    .execute();
  return id;
}

async function event(team: string, createdAt: Date, options: { outbox?: boolean; auditLogId?: string } = {}) {
  const id = newId('event').uuid;
  await database.db
    .insertInto('events')
    .values({
      id,
      team_id: team,
      audit_log_id: options.auditLogId ?? newId('auditLog').uuid,
      event_type: 'host.down',
      payload: '{}',
      created_at: createdAt,
    })
    .execute();
  // Written as the audit logger writes it: with an outbox row, gone once fanned out.
  await database.db
    .insertInto('outbox')
    .values({ event_id: id, created_at: createdAt })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .execute();
  if (!options.outbox) await database.db.deleteFrom('outbox').where('event_id', '=', id).execute();
  return id;
}

async function delivery(input: {
  team: string;
  channel: string;
  event: string;
  status: 'pending' | 'succeeded' | 'failed';
  updatedAt: Date;
  attempts?: number;
}): Promise<string> {
  const id = newId('delivery').uuid;
  await database.db
    .insertInto('deliveries')
    .values({
      id,
      event_id: input.event,
      channel_id: input.channel,
      team_id: input.team,
      event_type: 'host.down',
      status: input.status,
      created_at: input.updatedAt,
      updated_at: input.updatedAt,
    })
    .execute();
  for (let attempt = 1; attempt <= (input.attempts ?? 0); attempt++) {
    await database.db
      .insertInto('delivery_attempts')
      .values({ delivery_id: id, attempt, outcome: 'retry', status_code: 500, error: null, latency_ms: 5 })
      .execute();
  }
  return id;
}

async function ids(table: 'deliveries' | 'events' | 'audit_logs'): Promise<string[]> {
  return (await database.db.selectFrom(table).select('id').execute()).map((r) => r.id).sort();
}

describe('retention', () => {
  beforeEach(async () => {
    await sql`TRUNCATE channels, events, audit_logs, idempotency_keys CASCADE`.execute(database.db);
    registry = createMetricsRegistry('worker');
    metrics = createWorkerMetrics(registry, queues, database.db);
  });
  it('deletes settled deliveries past the retention with their attempts, and payloads nothing uses any more', async () => {
    const team = newId('team').uuid;
    const ch = await channel(team);
    const old = ago(40 * DAY);
    const settledOld = await event(team, old);
    const pendingOld = await event(team, old);
    const settledRecently = await event(team, old);
    const outboxOld = await event(team, old, { outbox: true });
    const unusedOld = await event(team, old);
    const unusedRecent = await event(team, ago(DAY));
    const gone = await delivery({
      team,
      channel: ch,
      event: settledOld,
      status: 'succeeded',
      updatedAt: old,
      attempts: 2,
    });
    const gone2 = await delivery({
      team,
      channel: await channel(team),
      event: settledOld,
      status: 'failed',
      updatedAt: old,
      attempts: 3,
    });
    const pending = await delivery({
      team,
      channel: ch,
      event: pendingOld,
      status: 'pending',
      updatedAt: old,
      attempts: 1,
    });
    const recent = await delivery({
      team,
      channel: ch,
      event: settledRecently,
      status: 'failed',
      updatedAt: ago(DAY),
      attempts: 1,
    });

    // Batches of 1, so every table needs several statements.
    const counts = await pruner({ deliveryMs: 30 * DAY, auditMs: null }, 1).runOnce();

    expect(counts).toEqual({
      deliveries: 2,
      delivery_attempts: 5,
      events: 2,
      audit_logs: 0,
      idempotency_keys: 0,
      resource_messages: 0,
    });
    expect(await ids('deliveries')).toEqual([pending, recent].sort());
    expect(await ids('events')).toEqual([pendingOld, settledRecently, outboxOld, unusedRecent].sort());
    const attempts = await database.db.selectFrom('delivery_attempts').select('delivery_id').execute();
    expect(attempts.map((a) => a.delivery_id).sort()).toEqual([pending, recent].sort());
    expect([gone, gone2, unusedOld]).toHaveLength(3);
    const text = await registry.metrics();
    expect(text).toMatch(/wrenn_retention_pruned_rows_total\{table="deliveries"[^}]*\} 2\n/);
    expect(text).toMatch(/wrenn_retention_pruned_rows_total\{table="delivery_attempts"[^}]*\} 5\n/);
    expect(text).toMatch(/wrenn_retention_pruned_rows_total\{table="events"[^}]*\} 2\n/);
  });

  it('keeps audit entries unless an audit retention is set, and pruning them leaves delivery history alone', async () => {
    const team = newId('team').uuid;
    const ch = await channel(team);
    const oldEntry = await auditEntry(team, ago(100 * DAY));
    const newEntry = await auditEntry(team, ago(DAY));
    const evt = await event(team, ago(100 * DAY), { auditLogId: oldEntry });
    const dlv = await delivery({
      team,
      channel: ch,
      event: evt,
      status: 'succeeded',
      updatedAt: ago(DAY),
      attempts: 1,
    });

    expect(await pruner({ deliveryMs: 30 * DAY, auditMs: null }).runOnce()).toMatchObject({ audit_logs: 0 });
    expect(await ids('audit_logs')).toEqual([oldEntry, newEntry].sort());

    expect(await pruner({ deliveryMs: 30 * DAY, auditMs: 90 * DAY }).runOnce()).toMatchObject({
      audit_logs: 1,
      deliveries: 0,
      events: 0,
    });
    expect(await ids('audit_logs')).toEqual([newEntry]);
    expect(await ids('deliveries')).toEqual([dlv]);
    expect(await ids('events')).toEqual([evt]);
    expect(await database.db.selectFrom('delivery_attempts').select('delivery_id').execute()).toEqual([
      { delivery_id: dlv },
    ]);
  });

  it('deletes idempotency keys older than 24 hours', async () => {
    await sql`
      INSERT INTO idempotency_keys (key, response, created_at)
      VALUES ('old', '{}', now() - interval '25 hours'), ('new', '{}', now() - interval '23 hours')
    `.execute(database.db);
    expect(await pruner({ deliveryMs: 30 * DAY, auditMs: null }).runOnce()).toMatchObject({ idempotency_keys: 1 });
    const { rows } = await sql<{ key: string }>`SELECT key FROM idempotency_keys`.execute(database.db);
    expect(rows).toEqual([{ key: 'new' }]);
  });

  it('deletes resource message references not updated within the delivery retention', async () => {
    const ch = await channel(newId('team').uuid);
    await sql`
      INSERT INTO resource_messages
        (channel_id, resource_type, resource_id, message_ref, message_key, message_posted_at, events, updated_at)
      VALUES
        (${ch}, 'sandbox', 'cl-old', '{"message_id":"1"}', '{"message_id":"1"}', now() - interval '40 days', '[]', now() - interval '31 days'),
        (${ch}, 'sandbox', 'cl-new', '{"message_id":"1"}', '{"message_id":"1"}', now() - interval '40 days', '[]', now() - interval '29 days')
    `.execute(database.db);
    expect(await pruner({ deliveryMs: 30 * DAY, auditMs: null }).runOnce()).toMatchObject({ resource_messages: 1 });
    const { rows } = await sql<{ resource_id: string }>`SELECT resource_id FROM resource_messages`.execute(database.db);
    expect(rows).toEqual([{ resource_id: 'cl-new' }]);
  });

  it('runs in one worker at a time', async () => {
    const team = newId('team').uuid;
    await event(team, ago(40 * DAY));
    // Another worker's pass holds the lock.
    const other = createPassLock({ redis, key: `${prefix}:wrenn:retention-lock`, ttlMs: 10_000 });
    expect(await other.acquire()).toBe(true);
    try {
      expect(await pruner({ deliveryMs: 30 * DAY, auditMs: null }).runOnce()).toBeNull();
    } finally {
      await other.release();
    }
    expect(await pruner({ deliveryMs: 30 * DAY, auditMs: null }).runOnce()).toMatchObject({ events: 1 });
  });
});

describe('retention query plans', () => {
  const ROWS = 20_000;

  beforeAll(async () => {
    await sql`TRUNCATE channels, events, audit_logs, idempotency_keys CASCADE`.execute(database.db);
    const team = newId('team').uuid;
    const ch = await channel(team);
    const db = database.db;
    // Ages spread over 60 days, so a 30-day cutoff selects about half of each table.
    await sql`
      INSERT INTO audit_logs (id, team_id, actor_type, actor_name, resource_type, action, metadata, created_at)
      SELECT gen_random_uuid(), ${team}, 'system', '', 'host', 'marked_down', '{}', now() - (i * interval '260 seconds')
      FROM generate_series(1, ${ROWS}) i
    `.execute(db);
    await sql`
      INSERT INTO events (id, team_id, audit_log_id, event_type, payload, created_at)
      SELECT gen_random_uuid(), ${team}, gen_random_uuid(), 'host.down', '{}', now() - (i * interval '260 seconds')
      FROM generate_series(1, ${ROWS}) i
    `.execute(db);
    // A backlog of the 3,000 newest events is still to be fanned out.
    await sql`
      INSERT INTO outbox (event_id, created_at) SELECT id, created_at FROM events ON CONFLICT DO NOTHING
    `.execute(db);
    await sql`
      DELETE FROM outbox WHERE event_id NOT IN (SELECT id FROM events ORDER BY created_at DESC LIMIT 3000)
    `.execute(db);
    await sql`
      INSERT INTO deliveries (id, event_id, channel_id, team_id, event_type, status, created_at, updated_at)
      SELECT gen_random_uuid(), e.id, ${ch}, ${team}, 'host.down',
        (ARRAY['succeeded', 'failed', 'pending', 'succeeded'])[1 + (row_number() OVER () % 4)], e.created_at, e.created_at
      FROM events e
      WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id) AND random() < 0.8
    `.execute(db);
    await sql`
      INSERT INTO delivery_attempts (delivery_id, attempt, outcome, status_code, latency_ms, created_at)
      SELECT d.id, a, 'retry', 500, 5, d.created_at FROM deliveries d, generate_series(1, 2) a
    `.execute(db);
    await sql`
      INSERT INTO idempotency_keys (key, response, created_at)
      SELECT md5(i::text), '{}', now() - (i * interval '9 seconds') FROM generate_series(1, ${ROWS}) i
    `.execute(db);
    await sql`ANALYZE`.execute(db);
  });

  async function plan(query: RawBuilder<unknown>) {
    const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN ${query}`.execute(database.db);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  const cutoff = ago(30 * DAY);
  it.each([
    [
      'settled deliveries',
      () => pruneDeliveries(cutoff, 1_000),
      ['deliveries_settled_idx', 'delivery_attempts_delivery_idx', 'deliveries_pkey'],
    ],
    [
      'unused events',
      () => pruneEvents(cutoff, null, 1_000),
      ['events_created_idx', 'outbox_pkey', 'deliveries_event_channel_key', 'events_pkey'],
    ],
    [
      'unused events, resuming after a cursor',
      () => pruneEvents(cutoff, { at: ago(50 * DAY).toISOString(), id: newId('event').uuid }, 1_000),
      ['events_created_idx', 'outbox_pkey', 'deliveries_event_channel_key', 'events_pkey'],
    ],
    ['audit entries', () => pruneAuditLogs(cutoff, 1_000), ['audit_logs_created_idx', 'audit_logs_pkey']],
    [
      'idempotency keys',
      () => pruneIdempotencyKeys(ago(DAY), 1_000),
      ['idempotency_keys_created_at_idx', 'idempotency_keys_pkey'],
    ],
  ])('%s are found and deleted through indexes only', async (_name, query, [pick, ...indexes]) => {
    const text = await plan(query());
    expect(text).not.toMatch(/Seq Scan/);
    // The rows are picked by walking the age index; deleting them by key may batch its lookups (Bitmap).
    expect(text).toMatch(new RegExp(`(Index|Index Only) Scan using ${pick} on`));
    for (const index of indexes)
      expect(text).toMatch(new RegExp(`(Index Scan using|Index Only Scan using|Bitmap Index Scan on) ${index}`));
  });
});

describe('retention settings', () => {
  const base = { DATABASE_URL: 'postgres://unused', REDIS_URL: 'redis://unused', WRENN_ENCRYPTION_KEY: '0'.repeat(64) };

  it('default to 30 days of delivery history and audit entries kept', () => {
    const env = loadWorkerEnv(base);
    expect([env.WRENN_DELIVERY_RETENTION, env.WRENN_AUDIT_RETENTION]).toEqual([30 * DAY, undefined]);
  });

  it.each([
    ['45s', 45_000],
    ['90m', 90 * 60_000],
    ['12h', 12 * 3_600_000],
    ['400d', 400 * DAY],
  ])('read %s', (text, ms) => {
    const env = loadWorkerEnv({ ...base, WRENN_DELIVERY_RETENTION: text, WRENN_AUDIT_RETENTION: text });
    expect([env.WRENN_DELIVERY_RETENTION, env.WRENN_AUDIT_RETENTION]).toEqual([ms, ms]);
  });

  it.each([
    ['WRENN_DELIVERY_RETENTION', 'forever'],
    ['WRENN_AUDIT_RETENTION', '0d'],
    ['WRENN_AUDIT_RETENTION', '10ms'],
  ])('stop the worker with one line when %s is %s', async (name, value) => {
    const app = startApp('apps/worker/src/main.ts', { PATH: process.env.PATH, ...base, [name]: value });
    expect(await app.exited).toBe(1);
    expect(app.output().trim()).toBe(`${name} must be a duration like 30d, 12h, 90m or 3600s`);
  });
});

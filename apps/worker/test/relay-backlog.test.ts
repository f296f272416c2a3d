import { formatId, newId } from '@wrenn/events';
import { createWorkerConnection, queueEvents } from '@wrenn/queues';
import { createLogger, createMetricsRegistry } from '@wrenn/runtime';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type OutboxRelay,
  type OutboxRelayOptions,
  relayGaveUpError,
  startOutboxRelay,
} from '../src/relay/outbox-relay';
import { createWorkerMetrics } from '../src/worker-metrics';
import { createPipeline, type Pipeline } from './support/pipeline';

const logger = createLogger({ name: 'relay-test', level: 'silent' });
let pipeline: Pipeline;
let redis: Redis;
const relays: OutboxRelay[] = [];

beforeAll(async () => {
  pipeline = await createPipeline();
  redis = createWorkerConnection(pipeline.redisUrl);
});
afterAll(async () => {
  redis?.disconnect();
  await pipeline?.close();
});
beforeEach(async () => {
  await sql`TRUNCATE events CASCADE`.execute(pipeline.db);
  await pipeline.producerQueues.events.obliterate({ force: true });
  for (const queue of pipeline.producerQueues.allDeliveries) await queue.obliterate({ force: true });
  const keys = await redis.keys(`${pipeline.queuePrefix}:wrenn:relay*`);
  if (keys.length > 0) await redis.del(...keys);
});
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
});

function relay(overrides: Partial<OutboxRelayOptions> = {}): OutboxRelay {
  const started = startOutboxRelay({
    db: pipeline.db,
    queues: pipeline.producerQueues,
    redis,
    prefix: pipeline.queuePrefix,
    deliveryStaleAfterMs: 0,
    logger,
    metrics: createWorkerMetrics(createMetricsRegistry('worker'), pipeline.producerQueues, pipeline.db),
    // Passes run only when the test asks.
    intervalMs: 3_600_000,
    eventStaleAfterMs: 0,
    ...overrides,
  });
  relays.push(started);
  return started;
}

/** Stores `count` events in the outbox, all with one timestamp (as one ingested batch), without jobs. */
async function storeEvents(count: number, createdAt: Date): Promise<string[]> {
  const team = newId('team').uuid;
  const rows = Array.from({ length: count }, () => {
    const id = newId('event');
    return {
      id: id.uuid,
      team_id: team,
      audit_log_id: newId('auditLog').uuid,
      event_type: 'host.down',
      payload: JSON.stringify({ id: id.id }),
      created_at: createdAt,
    };
  });
  for (let i = 0; i < rows.length; i += 1_000) {
    const chunk = rows.slice(i, i + 1_000);
    await pipeline.db.insertInto('events').values(chunk).execute();
    await pipeline.db
      .insertInto('outbox')
      .values(chunk.map((r) => ({ event_id: r.id, created_at: createdAt })))
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
  }
  return rows.map((r) => formatId('event', r.id));
}

describe('outbox relay over a long backlog', () => {
  it('finds a lost event behind more than 500 healthy waiting ones, continuing across passes and workers', async () => {
    const healthy = await storeEvents(700, new Date(Date.now() - 60_000));
    await queueEvents(pipeline.producerQueues.events, healthy);
    const [lost] = await storeEvents(1, new Date(Date.now() - 30_000));
    const r = relay({ maxPagesPerPass: 1 });

    // Each pass reads one page of 500: the first sees only healthy rows.
    expect(await r.runOnce()).toMatchObject({ ran: true, events: 0 });
    expect(await pipeline.producerQueues.events.getJob(lost as string)).toBeUndefined();
    // The next one, in whichever worker, continues after them and reaches the lost event.
    expect(await relay({ maxPagesPerPass: 1 }).runOnce()).toMatchObject({ ran: true, events: 1 });
    expect(await pipeline.producerQueues.events.getJobState(lost as string)).toBe('waiting');
    // Having reached the end, the walk starts over from the oldest.
    expect(await r.runOnce()).toMatchObject({ ran: true, events: 0 });
    expect(await pipeline.producerQueues.events.getJobCounts('waiting')).toMatchObject({ waiting: 701 });
  });

  it('finds it within one pass when the pass may read several pages', async () => {
    const healthy = await storeEvents(1_200, new Date(Date.now() - 60_000));
    await queueEvents(pipeline.producerQueues.events, healthy);
    const [lost] = await storeEvents(1, new Date(Date.now() - 30_000));
    expect(await relay().runOnce()).toMatchObject({ ran: true, events: 1 });
    expect(await pipeline.producerQueues.events.getJobState(lost as string)).toBe('waiting');
  });

  it('holds its lock for the whole of a pass longer than the lock lifetime and releases it at the end', async () => {
    await storeEvents(1_200, new Date(Date.now() - 60_000));
    const lockKey = `${pipeline.queuePrefix}:wrenn:relay-lock`;
    const ttlMs = 200;
    const first = relay({ lockTtlMs: ttlMs });
    const second = relay({ lockTtlMs: ttlMs });

    const samples: Array<{ at: number; holder: string | null }> = [];
    const competing: Array<{ at: number; pass: Promise<{ ran: boolean }> }> = [];
    const started = Date.now();
    let done = false;
    let pass: Promise<{ ran: boolean; events: number }> | undefined;
    let sampler: Promise<void> | undefined;
    // A slow database makes the pass long: its outbox query waits behind this table lock.
    await pipeline.db.transaction().execute(async (trx) => {
      await sql`LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE`.execute(trx);
      // Both relays share one Redis connection, so the first's lock request is served first.
      pass = first.runOnce().finally(() => {
        done = true;
      });
      sampler = (async () => {
        while (!done) {
          const at = Date.now() - started;
          samples.push({ at, holder: await redis.get(lockKey) });
          competing.push({ at, pass: second.runOnce() });
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      await new Promise((r) => setTimeout(r, 5 * ttlMs));
    });
    const result = await pass;
    const duration = Date.now() - started;
    const rightAfter = await redis.get(lockKey);
    await sampler;

    expect(result).toMatchObject({ ran: true, events: 1_200 });
    // Long enough that an unrenewed lock would have expired several times over.
    expect(duration).toBeGreaterThan(5 * ttlMs);
    const during = samples.filter((s) => s.at < duration - 50);
    expect(during.some((s) => s.at > 3 * ttlMs)).toBe(true);
    const holders = new Set(during.map((s) => s.holder));
    expect(holders.size).toBe(1);
    expect([...holders][0]).toEqual(expect.any(String));
    // No other pass ran meanwhile (one started just as it ended may).
    const meanwhile = competing.filter((c) => c.at < duration - 50);
    expect(meanwhile.length).toBeGreaterThan(10);
    expect((await Promise.all(meanwhile.map((c) => c.pass))).filter((r) => r.ran)).toEqual([]);
    // Released at the end rather than left to expire.
    expect(rightAfter).not.toBe([...holders][0]);
    await Promise.all(competing.map((c) => c.pass));
    expect(await redis.get(lockKey)).toBeNull();
  });

  it("fails a pending delivery whose channel's drain it has had to re-add five times", async () => {
    const team = newId('team');
    const channel = await pipeline.createChannel({
      teamId: team.id,
      config: { url: 'https://example.com/h' },
      events: ['host.down'],
    });
    const [eventId] = await storeEvents(1, new Date());
    await pipeline.db.deleteFrom('outbox').execute();
    const delivery = newId('delivery');
    await pipeline.db
      .insertInto('deliveries')
      .values({
        id: delivery.uuid,
        event_id: (await pipeline.db.selectFrom('events').select('id').executeTakeFirstOrThrow()).id,
        channel_id: channel.uuid,
        team_id: team.uuid,
        event_type: 'host.down',
        updated_at: new Date(Date.now() - 3_600_000),
        ready_at: new Date(Date.now() - 3_600_000),
      })
      .execute();
    expect(eventId).toBeDefined();
    const r = relay();
    const deliveries = pipeline.producerQueues.deliveriesFor(channel.id);

    for (let i = 1; i <= 5; i++) {
      expect(await r.runOnce()).toMatchObject({ deliveries: 1, gaveUp: 0 });
      // While its channel's drain waits, the delivery is left alone.
      expect(await deliveries.getJob(channel.id)).toMatchObject({ data: { channelId: channel.id } });
      expect(await r.runOnce()).toMatchObject({ deliveries: 0, gaveUp: 0 });
      // The drain is lost again.
      await deliveries.remove(channel.id);
      const row = await pipeline.db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'pending', relay_requeues: i });
    }
    expect(await r.runOnce()).toMatchObject({ deliveries: 0, gaveUp: 1 });
    const row = await pipeline.db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', last_error: relayGaveUpError(5) });
    expect(row.last_error).toMatch(/lost 5 times/);
    expect(await deliveries.getJob(channel.id)).toBeUndefined();
    expect(await r.runOnce()).toMatchObject({ deliveries: 0, gaveUp: 0 });
  });
});

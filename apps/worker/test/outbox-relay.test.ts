import { createAuditLogger } from '@wrenn/audit';
import { createWorkerConnection, QUEUES, queueEvents } from '@wrenn/queues';
import { createLogger, createMetricsRegistry } from '@wrenn/runtime';
import { waitFor } from '@wrenn/testing';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type OutboxRelay, startOutboxRelay } from '../src/relay/outbox-relay';
import { createWorkerMetrics } from '../src/worker-metrics';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

describe('outbox relay', () => {
  let pipeline: Pipeline;
  let redis: Redis;
  let relay: OutboxRelay;
  const logger = createLogger({ name: 'relay-test', level: 'silent' });

  beforeAll(async () => {
    pipeline = await createPipeline();
    redis = createWorkerConnection(pipeline.redisUrl);
    relay = startOutboxRelay({
      db: pipeline.db,
      queues: pipeline.producerQueues,
      redis,
      prefix: pipeline.queuePrefix,
      deliveryStaleAfterMs: 3_600_000,
      logger,
      metrics: createWorkerMetrics(createMetricsRegistry('worker'), pipeline.producerQueues, pipeline.db),
      // Passes run only when the test asks.
      intervalMs: 3_600_000,
      eventStaleAfterMs: 0,
    });
  });

  afterAll(async () => {
    await relay?.stop();
    redis?.disconnect();
    await pipeline?.close();
  });

  beforeEach(async () => {
    await redis.del(`${pipeline.queuePrefix}:wrenn:relay-lock`);
  });

  /** Stores an event without enqueueing it, as when Redis was down at ingest. */
  async function storeEvent(): Promise<string> {
    const audit = createAuditLogger({ db: pipeline.db, logger });
    const { eventIds } = await audit.record([lifecycleEntry('team-0000000000000000000000001', 'sandbox', 'create')]);
    return eventIds[0] as string;
  }

  it('re-adds an event without a job, leaves a waiting one alone and replaces a finished one', async () => {
    const missing = await storeEvent();
    const waiting = await storeEvent();
    const finished = await storeEvent();
    const { events } = pipeline.producerQueues;
    await queueEvents(events, [waiting]);

    // A job that ran while its event stayed in the outbox (its fan-out never committed).
    await queueEvents(events, [finished]);
    const noop = new Worker(QUEUES.events, async () => {}, {
      connection: redis.duplicate(),
      prefix: pipeline.queuePrefix,
      removeOnComplete: { count: 100 },
    });
    await waitFor(async () => (await events.getJobState(finished)) === 'completed');
    await noop.close();
    // The no-op worker also took the other two; put them back as they were.
    await events.remove(waiting);
    await events.remove(missing);
    await queueEvents(events, [waiting]);

    const result = await relay.runOnce();

    expect(result.events).toBe(2);
    expect(await events.getJobState(missing)).toBe('waiting');
    expect(await events.getJobState(waiting)).toBe('waiting');
    expect(await events.getJobState(finished)).toBe('waiting');
  });
});

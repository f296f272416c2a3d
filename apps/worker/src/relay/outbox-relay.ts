import type { Database } from '@wrenn/db';
import { formatId, type Queues, requeueDelivery } from '@wrenn/events';
import type { Logger } from '@wrenn/runtime';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { WorkerMetrics } from '../worker-metrics';

export interface OutboxRelayOptions {
  db: Kysely<Database>;
  queues: Pick<Queues, 'events' | 'deliveries'>;
  /** For the lock that keeps relays of several workers from running the same pass. */
  redis: Redis;
  /** The key prefix of the queues: one relay pass at a time across all workers. */
  prefix: string;
  /** Attempts per re-added delivery job. */
  deliveryAttempts: number;
  /** Pending deliveries this long without news have outlived any schedule; their job is checked. */
  deliveryStaleAfterMs: number;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Default 2 s. */
  intervalMs?: number;
  /** Events pending longer than this are re-enqueued; default 3 s. */
  eventStaleAfterMs?: number;
  /** Rows per pass; default 500. */
  batchSize?: number;
}

export interface OutboxRelay {
  /** One pass; returns how many jobs it re-added. */
  runOnce(): Promise<{ events: number; deliveries: number }>;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

const IN_QUEUE = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Repairs the gap between a commit and its enqueue. Every couple of seconds:
 * events still in the outbox after a few seconds (Redis was down, the API
 * died) get their job back; a finished or failed event job is replaced. Pending
 * deliveries older than any schedule whose job is gone get a new one. Job ids
 * are the row ids, so re-adding something already queued changes nothing.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const intervalMs = options.intervalMs ?? 2_000;
  const eventStaleAfterMs = options.eventStaleAfterMs ?? 3_000;
  const batchSize = options.batchSize ?? 500;
  const { db, queues, logger, metrics } = options;
  const lockKey = `${options.prefix}:wrenn:relay-lock`;

  async function requeueEvents(): Promise<number> {
    const rows = await db
      .selectFrom('events')
      .select('id')
      .where('fanned_out_at', 'is', null)
      .where('created_at', '<', new Date(Date.now() - eventStaleAfterMs))
      .orderBy('created_at')
      .limit(batchSize)
      .execute();
    const added = await Promise.all(
      rows.map(async ({ id }) => {
        const eventId = formatId('event', id);
        // Under a backlog most of these jobs are simply waiting. Reading the job hash is
        // O(1); the state lookup scans the wait list (LPOS), which a long backlog makes
        // expensive for Redis, so it runs only for a job that has finished.
        const job = await queues.events.getJob(eventId);
        if (job && !job.finishedOn) return 0;
        const state = job ? await queues.events.getJobState(eventId) : 'unknown';
        if (IN_QUEUE.has(state)) return 0;
        if (state === 'completed' || state === 'failed') await queues.events.remove(eventId);
        await queues.events.add('event', { eventId }, { jobId: eventId });
        return 1;
      }),
    );
    return added.reduce<number>((a, b) => a + b, 0);
  }

  async function requeueDeliveries(): Promise<number> {
    const rows = await db
      .selectFrom('deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('updated_at', '<', new Date(Date.now() - options.deliveryStaleAfterMs))
      .orderBy('updated_at')
      .limit(batchSize)
      .execute();
    const added = await Promise.all(
      rows.map(async ({ id }) => {
        const result = await requeueDelivery(queues.deliveries, formatId('delivery', id), options.deliveryAttempts);
        return result === 'queued' ? 1 : 0;
      }),
    );
    return added.reduce<number>((a, b) => a + b, 0);
  }

  async function runOnce() {
    // Several workers run a relay; one pass at a time is enough.
    const locked = await options.redis.set(lockKey, '1', 'PX', Math.max(intervalMs - 100, 500), 'NX');
    if (locked !== 'OK') return { events: 0, deliveries: 0 };
    const events = await requeueEvents();
    const deliveries = await requeueDeliveries();
    if (events > 0) metrics.relayRequeued.inc({ kind: 'event' }, events);
    if (deliveries > 0) metrics.relayRequeued.inc({ kind: 'delivery' }, deliveries);
    if (events + deliveries > 0) logger.info({ events, deliveries }, 'relay re-enqueued jobs');
    return { events, deliveries };
  }

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = runOnce()
      .catch((err: unknown) => logger.warn({ err }, 'outbox relay pass failed; retrying'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

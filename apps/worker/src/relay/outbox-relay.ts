import type { Database } from '@wrenn/db';
import { formatId, type Uuid } from '@wrenn/events';
import { drainJobId, ensureDrains, isInQueue, type Queues, queueEvents, type RedisConnection } from '@wrenn/queues';
import type { Logger } from '@wrenn/runtime';
import { type Kysely, sql } from 'kysely';
import { repeatPasses } from '../repeat-passes';
import type { WorkerMetrics } from '../worker-metrics';
import { createPassLock } from './pass-lock';

export interface OutboxRelayOptions {
  db: Kysely<Database>;
  queues: Pick<Queues, 'events' | 'deliveriesFor'>;
  /** For the lock that keeps relays of several workers from running the same pass. */
  redis: RedisConnection;
  /** The key prefix of the queues: one relay pass at a time across all workers. */
  prefix: string;
  /**
   * Deliveries ready this long (and not taken by a drain) are checked: their
   * channel's drain should have sent them or be waiting on its rate.
   */
  deliveryStaleAfterMs: number;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Default 2 s. */
  intervalMs?: number;
  /** Events pending longer than this are re-enqueued; default 3 s. */
  eventStaleAfterMs?: number;
  /** Rows per page; default 500. */
  batchSize?: number;
  /** Pages of each kind per pass; the next pass continues where this one stopped. Default 4. */
  maxPagesPerPass?: number;
  /** Lifetime of the pass lock, renewed while a pass runs; default 10 s. */
  lockTtlMs?: number;
  /** New drains the relay gives one pending delivery's channel before failing it; default 5. */
  maxDeliveryRequeues?: number;
}

export interface RelayPassResult {
  /** Event jobs re-added. */
  events: number;
  /** Drain jobs re-added (one per channel). */
  deliveries: number;
  /** Deliveries failed after too many lost jobs. */
  gaveUp: number;
  /** False when another worker held the lock. */
  ran: boolean;
}

export interface OutboxRelay {
  /** One pass; says how many jobs it re-added. */
  runOnce(): Promise<RelayPassResult>;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

/** Where the walk through pending rows stands: the last row seen, by (timestamp, id). */
interface Cursor {
  at: string;
  id: string;
}

/** The `last_error` of a delivery the relay gave up on. */
export function relayGaveUpError(requeues: number): string {
  return `the channel's delivery job was lost ${requeues} times and re-added each time without this delivery being sent; giving up (redeliver it once the worker's errors are fixed)`;
}

/**
 * Repairs the gap between a commit and its enqueue. Every couple of seconds:
 * events still in the outbox after a few seconds (Redis was down, the API
 * died) get their job back; a finished or failed event job is replaced. A
 * channel with deliveries ready for a while and no drain job (a drain ended
 * just as a row landed and its worker died before looking again, or Redis lost
 * the job) gets a new drain, a few times, then those deliveries fail. Job ids
 * are the row and channel ids, so re-adding something already queued changes nothing.
 *
 * Pending rows are walked in pages with a cursor kept in Redis, so each pass
 * continues where the previous one (of any worker) stopped and a lost job behind
 * a long healthy backlog is still reached.
 */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const intervalMs = options.intervalMs ?? 2_000;
  const eventStaleAfterMs = options.eventStaleAfterMs ?? 3_000;
  const batchSize = options.batchSize ?? 500;
  const maxPages = options.maxPagesPerPass ?? 4;
  const maxRequeues = options.maxDeliveryRequeues ?? 5;
  const { db, queues, logger, metrics, redis } = options;
  const base = `${options.prefix}:wrenn:relay`;
  const lock = createPassLock({ redis, key: `${base}-lock`, ttlMs: options.lockTtlMs ?? 10_000 });

  async function loadCursor(kind: string): Promise<Cursor | null> {
    const text = await redis.get(`${base}-cursor:${kind}`);
    if (!text) return null;
    try {
      const parsed = JSON.parse(text) as Cursor;
      return typeof parsed.at === 'string' && typeof parsed.id === 'string' ? parsed : null;
    } catch {
      return null;
    }
  }

  async function saveCursor(kind: string, cursor: Cursor | null): Promise<void> {
    const key = `${base}-cursor:${kind}`;
    // Only while the lock is ours: a pass that lost it must not move another's cursor.
    if (!lock.held()) return;
    if (cursor) await redis.set(key, JSON.stringify(cursor), 'PX', 3_600_000);
    else await redis.del(key);
  }

  /** Walks pending rows page by page from the saved cursor; at the end the next pass starts over. */
  async function walk<Row extends { cursor_at: string; id: string }>(
    kind: string,
    page: (after: Cursor | null) => Promise<Row[]>,
    handle: (rows: Row[]) => Promise<void>,
  ): Promise<void> {
    let cursor = await loadCursor(kind);
    for (let n = 0; n < maxPages && lock.held(); n++) {
      const rows = await page(cursor);
      await handle(rows);
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) {
        cursor = null;
        break;
      }
      cursor = { at: last.cursor_at, id: last.id };
    }
    await saveCursor(kind, cursor);
  }

  async function requeueEvents(): Promise<number> {
    let added = 0;
    await walk(
      'events',
      (after) =>
        db
          .selectFrom('outbox')
          .select(['event_id as id', sql<string>`created_at::text`.as('cursor_at')])
          .where('created_at', '<', new Date(Date.now() - eventStaleAfterMs))
          .$if(after !== null, (q) =>
            q.where(sql<boolean>`(created_at, event_id) > (${after?.at}::timestamptz, ${after?.id}::uuid)`),
          )
          .orderBy('created_at')
          .orderBy('event_id')
          .limit(batchSize)
          .execute(),
      async (rows) => {
        const results = await Promise.all(
          rows.map(async ({ id }) => {
            const eventId = formatId('event', id);
            // Under a backlog most of these jobs are simply waiting. Reading the job hash is
            // O(1); the state lookup scans the wait list (LPOS), which a long backlog makes
            // expensive for Redis, so it runs only for a job that has finished.
            const job = await queues.events.getJob(eventId);
            if (job && !job.finishedOn) return 0;
            const state = job ? await queues.events.getJobState(eventId) : 'unknown';
            if (isInQueue(state)) return 0;
            if (state === 'completed' || state === 'failed') await queues.events.remove(eventId);
            await queueEvents(queues.events, [eventId]);
            return 1;
          }),
        );
        added += results.reduce<number>((a, b) => a + b, 0);
      },
    );
    return added;
  }

  /**
   * Not outbox work: gives a new drain to each channel whose ready rows have had none for a
   * while, and fails the rows of a channel whose drain was lost `maxRequeues` times.
   */
  async function restartLostDrains(): Promise<{ deliveries: number; gaveUp: number }> {
    let deliveries = 0;
    let gaveUp = 0;
    await walk(
      'deliveries',
      async (after) => {
        // One row per channel with ready, untaken deliveries; the cursor walks channel ids.
        const { rows } = await sql<{ id: Uuid; cursor_at: string; requeues: number }>`
          SELECT channel_id AS id, '' AS cursor_at, max(relay_requeues) AS requeues
          FROM deliveries
          WHERE status = 'pending'
            AND ready_at < ${new Date(Date.now() - options.deliveryStaleAfterMs)}::timestamptz
            AND (claimed_until IS NULL OR claimed_until < now())
            ${after ? sql`AND channel_id > ${after.id}::uuid` : sql``}
          GROUP BY channel_id
          ORDER BY channel_id
          LIMIT ${batchSize}::int
        `.execute(db);
        return rows;
      },
      async (rows) => {
        const stale = new Date(Date.now() - options.deliveryStaleAfterMs);
        await Promise.all(
          rows.map(async ({ id, requeues }) => {
            const channelId = formatId('channel', id);
            // A drain job in the channel's shard (finished ones are removed at once) is
            // still queued, running or waiting on its rate.
            if (await queues.deliveriesFor(channelId).getJob(drainJobId(channelId))) return;
            if (requeues >= maxRequeues) {
              const failed = await db
                .updateTable('deliveries')
                .set({ status: 'failed', last_error: relayGaveUpError(requeues), updated_at: new Date() })
                .where('channel_id', '=', id)
                .where('status', '=', 'pending')
                .where('relay_requeues', '>=', maxRequeues)
                .executeTakeFirst();
              const count = Number(failed.numUpdatedRows);
              if (count > 0) {
                gaveUp += count;
                logger.error({ channel: channelId, deliveries: count, requeues }, 'relay gave up on deliveries');
                // The channel's other rows, if any, get their drain on the next pass.
                return;
              }
            }
            await ensureDrains(queues, [channelId]);
            deliveries++;
            await db
              .updateTable('deliveries')
              .set((eb) => ({ relay_requeues: eb('relay_requeues', '+', 1) }))
              .where('channel_id', '=', id)
              .where('status', '=', 'pending')
              .where('ready_at', '<', stale)
              .execute();
          }),
        );
      },
    );
    return { deliveries, gaveUp };
  }

  async function runOnce(): Promise<RelayPassResult> {
    // Several workers run a relay; one pass at a time is enough.
    if (!(await lock.acquire())) return { events: 0, deliveries: 0, gaveUp: 0, ran: false };
    try {
      const events = await requeueEvents();
      const { deliveries, gaveUp } = await restartLostDrains();
      if (events > 0) metrics.relayRequeued.inc({ kind: 'event' }, events);
      if (deliveries > 0) metrics.relayRequeued.inc({ kind: 'drain' }, deliveries);
      if (events + deliveries > 0) logger.info({ events, deliveries }, 'relay re-enqueued jobs');
      return { events, deliveries, gaveUp, ran: true };
    } finally {
      await lock.release().catch((err: unknown) => logger.debug({ err }, 'relay lock release failed'));
    }
  }
  const passes = repeatPasses({
    pass: runOnce,
    intervalMs,
    logger,
    failureMessage: 'outbox relay pass failed; retrying',
  });
  return { runOnce, stop: passes.stop };
}

import type { Database } from '@wrenn/db';
import type { RedisConnection } from '@wrenn/queues';
import type { Logger } from '@wrenn/runtime';
import { type Kysely, sql } from 'kysely';
import { createPassLock } from '../relay/pass-lock';
import { repeatPasses } from '../repeat-passes';
import type { WorkerMetrics } from '../worker-metrics';
import {
  type EventCursor,
  pruneAuditLogs,
  pruneDeliveries,
  pruneEvents,
  pruneIdempotencyKeys,
  pruneResourceMessages,
} from './retention-queries';

export interface RetentionPolicy {
  /** Settled deliveries (with their attempts) and unused event payloads older than this go. */
  deliveryMs: number;
  /** Audit entries older than this go; null keeps them. */
  auditMs: number | null;
  /** Idempotency keys older than this go; default 24 h. */
  idempotencyMs?: number;
}

export interface RetentionPrunerOptions {
  db: Kysely<Database>;
  /** Holds the pass lock, so one worker prunes at a time. */
  redis: RedisConnection;
  /** The queues' key prefix; the lock lives next to the relay's. */
  prefix: string;
  policy: RetentionPolicy;
  logger: Logger;
  metrics: Pick<WorkerMetrics, 'retentionPruned'>;
  /** Between passes; default 30 s, so retention is enforced at least once a minute. */
  intervalMs?: number;
  /** Lifetime of the pass lock without renewal; default 10 s. */
  lockTtlMs?: number;
  /** Rows per statement; default 1,000. */
  batchSize?: number;
  /** Statements per table and pass, so one pass cannot run for ever; default 100. */
  maxBatchesPerPass?: number;
}

/** Rows deleted by one pass, per table. */
export type PruneCounts = Record<
  'deliveries' | 'delivery_attempts' | 'events' | 'audit_logs' | 'idempotency_keys' | 'resource_messages',
  number
>;

export interface RetentionPruner {
  /** One pass; null when another worker holds the retention lock. */
  runOnce(): Promise<PruneCounts | null>;
  /** Stops the timer and waits for a running pass to end its current statement. */
  stop(): Promise<void>;
}

const IDEMPOTENCY_MS = 24 * 3_600_000;

/**
 * Deletes what outlived its retention, in short batches, each its own
 * transaction. One worker at a time: the pass holds the same renewed Redis
 * lock as the outbox relay (`createPassLock`), which lapses within its
 * lifetime should the worker die. Not a PostgreSQL advisory lock: a
 * session-level one is lost or leaked behind a transaction-mode pooler
 * (PgBouncer), and a transaction-level one would keep the whole pass in one
 * long transaction. Not a BullMQ job scheduler either: it adds the next run
 * when the current one starts, so a pass longer than the interval could
 * overlap another worker's, and a crashed worker's run waits for the stalled
 * check — the passes would still need this lock.
 */
export function startRetentionPruner(options: RetentionPrunerOptions): RetentionPruner {
  const { db, policy, logger, metrics } = options;
  const lock = createPassLock({
    redis: options.redis,
    key: `${options.prefix}:wrenn:retention-lock`,
    ttlMs: options.lockTtlMs ?? 10_000,
  });
  const intervalMs = options.intervalMs ?? 30_000;
  const batchSize = options.batchSize ?? 1_000;
  const maxBatches = options.maxBatchesPerPass ?? 100;

  async function runOnce(): Promise<PruneCounts | null> {
    if (!(await lock.acquire())) return null;
    try {
      return await prune(db);
    } finally {
      // Not released (Redis away): the lock lapses by itself within its lifetime.
      await lock.release().catch((err: unknown) => logger.debug({ err }, 'retention lock release failed'));
    }
  }

  async function prune(conn: Kysely<Database>): Promise<PruneCounts> {
    const counts: PruneCounts = {
      deliveries: 0,
      delivery_attempts: 0,
      events: 0,
      audit_logs: 0,
      idempotency_keys: 0,
      resource_messages: 0,
    };
    const now = Date.now();
    const deliveryCutoff = new Date(now - policy.deliveryMs);

    /** Runs one statement until it deletes less than a full batch. */
    async function loop(step: () => Promise<number>): Promise<void> {
      for (let n = 0; n < maxBatches && !passes.stopped() && lock.held(); n++) {
        if ((await step()) < batchSize) return;
      }
    }
    const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0n);

    // Deliveries first: the payloads they release can go in the same pass.
    await loop(async () => {
      const { rows } = await pruneDeliveries(deliveryCutoff, batchSize).execute(conn);
      const deliveries = Number(rows[0]?.deliveries ?? 0);
      counts.deliveries += deliveries;
      counts.delivery_attempts += Number(rows[0]?.attempts ?? 0);
      return deliveries;
    });
    let after: EventCursor | null = null;
    await loop(async () => {
      const { rows } = await pruneEvents(deliveryCutoff, after, batchSize).execute(conn);
      const row = rows[0];
      counts.events += Number(row?.deleted ?? 0);
      after = row?.last_at && row.last_id ? { at: row.last_at, id: row.last_id } : null;
      return Number(row?.seen ?? 0);
    });
    if (policy.auditMs !== null) {
      const auditCutoff = new Date(now - policy.auditMs);
      await loop(async () => {
        const n = affected(await pruneAuditLogs(auditCutoff, batchSize).execute(conn));
        counts.audit_logs += n;
        return n;
      });
    }
    const idempotencyCutoff = new Date(now - (policy.idempotencyMs ?? IDEMPOTENCY_MS));
    await loop(async () => {
      const n = affected(await pruneIdempotencyKeys(idempotencyCutoff, batchSize).execute(conn));
      counts.idempotency_keys += n;
      return n;
    });

    // A resource's message reference lives as long as a delivery would.
    await loop(async () => {
      const n = affected(await pruneResourceMessages(deliveryCutoff, batchSize).execute(conn));
      counts.resource_messages += n;
      return n;
    });

    // Rotated-out webhook secrets are forgotten once their grace period is over.
    await sql`UPDATE channels SET config = config - 'previous_secret', previous_secret_expires_at = NULL
      WHERE previous_secret_expires_at <= now()`.execute(conn);

    for (const [table, n] of Object.entries(counts)) if (n > 0) metrics.retentionPruned.inc({ table }, n);
    if (Object.values(counts).some((n) => n > 0)) logger.info(counts, 'retention pruned rows');
    return counts;
  }

  const passes = repeatPasses({
    pass: runOnce,
    intervalMs,
    // Soon after start, so a worker that restarts often still prunes.
    firstDelayMs: Math.min(intervalMs, 5_000),
    logger,
    failureMessage: 'retention pass failed; retrying',
  });
  return { runOnce, stop: passes.stop };
}

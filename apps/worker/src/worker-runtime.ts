import { createAuditLogger } from '@wrenn/audit';
import type { SecretBox } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import {
  createQueues,
  createWorkerConnection,
  type DeliveryJob,
  type EventJob,
  JOB_RETENTION,
  QUEUES,
  type Queues,
} from '@wrenn/events';
import type { OutboundHttp, ProviderSettings } from '@wrenn/providers';
import type { Logger, Registry } from '@wrenn/runtime';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createConfigCache } from './delivery/config-cache';
import { createDeliveryProcessor } from './delivery/delivery-processor';
import { createAttemptWriter } from './delivery/record-attempt';
import { createTargetLoader } from './delivery/target-loader';
import { createFanOutProcessor } from './fan-out/fan-out-processor';
import { type OutboxRelay, startOutboxRelay } from './relay/outbox-relay';
import { type RetentionPolicy, type RetentionPruner, startRetentionPruner } from './retention/retention-pruner';
import { createRetrySchedule, type RetrySchedule, scheduleBackoff } from './retry-schedule';
import { createWorkerMetrics } from './worker-metrics';

export interface WorkerRuntimeOptions {
  db: Kysely<Database>;
  redisUrl: string;
  /** BullMQ key prefix; the API must use the same. */
  queuePrefix: string;
  secrets: SecretBox;
  providerSettings: ProviderSettings;
  http: OutboundHttp;
  /** `WRENN_RETRY_DELAYS` in milliseconds. */
  retryDelays: readonly number[];
  /** Delivery jobs in flight in this process. */
  concurrency: number;
  /** Job lock lifetime: a dead worker's jobs come back after about this long. Default 30 s. */
  lockMs?: number;
  logger: Logger;
  metrics: Registry;
  /** Outbox relay timing; defaults 2 s / 3 s. */
  relay?: { intervalMs?: number; eventStaleAfterMs?: number };
  /** What retention deletes; default: settled deliveries after 30 days, audit entries kept. */
  retention?: RetentionPolicy & { intervalMs?: number };
}

/** A running worker: the fan-out and delivery consumers plus the outbox relay. */
export interface WorkerRuntime {
  queues: Queues;
  /** The worker's Redis connection (readiness checks ping it). */
  redis: Redis;
  schedule: RetrySchedule;
  relay: OutboxRelay;
  retention: RetentionPruner;
  /** Stops taking jobs, lets in-flight ones finish, then closes its Redis connections. */
  close(): Promise<void>;
}

/** Event jobs running at once; the fan-out processor handles them in batches (a few round trips each). */
const FAN_OUT_CONCURRENCY = 32;

/** Starts consuming both queues and the relay. Tests start several in one process. */
export function startWorkerRuntime(options: WorkerRuntimeOptions): WorkerRuntime {
  const { db, logger } = options;
  const redis = createWorkerConnection(options.redisUrl);
  redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
  const queues = createQueues(redis, options.queuePrefix);
  for (const queue of [queues.events, queues.deliveries]) {
    queue.on('error', (err) => logger.debug({ err }, 'queue error'));
  }
  const schedule = createRetrySchedule(options.retryDelays);
  const metrics = createWorkerMetrics(options.metrics, queues, db);
  const lockMs = options.lockMs ?? 30_000;
  // Stalled jobs (their worker died) return to the queue; a few stalls are tolerated before giving up.
  const common = {
    connection: redis,
    prefix: options.queuePrefix,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 5,
    removeOnComplete: JOB_RETENTION.removeOnComplete,
    removeOnFail: JOB_RETENTION.removeOnFail,
  };

  const fanOutWorker = new Worker<EventJob>(
    QUEUES.events,
    createFanOutProcessor({ db, deliveriesQueue: queues.deliveries, deliveryAttempts: schedule.attempts, metrics }),
    { ...common, concurrency: FAN_OUT_CONCURRENCY },
  );
  const audit = createAuditLogger({ db, logger });
  const deliveryWorker = new Worker<DeliveryJob>(
    QUEUES.deliveries,
    createDeliveryProcessor({
      db,
      targets: createTargetLoader(db),
      attempts: createAttemptWriter({ db, audit, logger }),
      providerSettings: options.providerSettings,
      http: options.http,
      secrets: options.secrets,
      configs: createConfigCache({ secrets: options.secrets }),
      schedule,
      metrics,
      logger,
    }),
    { ...common, concurrency: options.concurrency, settings: { backoffStrategy: scheduleBackoff(schedule) } },
  );
  for (const worker of [fanOutWorker, deliveryWorker]) {
    worker.on('error', (err) => logger.warn({ err }, 'worker error'));
    worker.on('failed', (job, err) => {
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) logger.info({ job: job.id, err }, 'job ended failed');
    });
  }

  const relay = startOutboxRelay({
    db,
    queues,
    redis,
    prefix: options.queuePrefix,
    deliveryAttempts: schedule.attempts,
    // Longer than the whole schedule plus a stalled job's comeback, so only lost jobs qualify.
    deliveryStaleAfterMs: schedule.delays.reduce((a, b) => a + b, 0) + 2 * lockMs + 60_000,
    logger,
    metrics,
    ...options.relay,
  });

  const { intervalMs: retentionIntervalMs, ...policy } = options.retention ?? {
    deliveryMs: 30 * 86_400_000,
    auditMs: null,
  };
  const retention = startRetentionPruner({ db, policy, logger, metrics, intervalMs: retentionIntervalMs });

  return {
    queues,
    redis,
    schedule,
    relay,
    retention,
    async close() {
      const results = await Promise.allSettled([
        relay.stop(),
        retention.stop(),
        fanOutWorker.close(),
        deliveryWorker.close(),
      ]);
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
      for (const result of results) {
        if (result.status === 'rejected') throw result.reason;
      }
    },
  };
}

import { createAuditLogger } from '@wrenn/audit';
import type { SecretBox } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import { type ChannelId, formatId, parseId, type Uuid } from '@wrenn/events';
import type { OutboundHttp, PacingRule, ProviderName, ProviderSettings } from '@wrenn/providers';
import {
  createQueues,
  createWorkerConnection,
  type DrainJob,
  deliveriesPrefix,
  type EventJob,
  ensureDrains,
  eventsPrefix,
  JOB_RETENTION,
  QUEUES,
  type Queues,
  queueEvents,
  queueLayout,
  type RedisConnection,
} from '@wrenn/queues';
import type { Logger, RedisTarget, Registry } from '@wrenn/runtime';
import { Worker } from 'bullmq';
import type { Kysely } from 'kysely';
import { createMicroBatcher } from './batch/micro-batcher';
import { createAttemptWriter } from './delivery/attempt-writer';
import { createConfigCache } from './delivery/config-cache';
import { createDrainProcessor, type DrainResult } from './delivery/drain-processor';
import { createLanes } from './delivery/lanes';
import { nextReadyInMany } from './delivery/mailbox';
import { createRateLimiter } from './delivery/rate-limiter';
import { createFanOutProcessor } from './fan-out/fan-out-processor';
import { type OutboxRelay, type OutboxRelayOptions, startOutboxRelay } from './relay/outbox-relay';
import { type RetentionPolicy, type RetentionPruner, startRetentionPruner } from './retention/retention-pruner';
import { createRetrySchedule } from './retry-schedule';
import { createWorkerMetrics } from './worker-metrics';

export interface WorkerRuntimeOptions {
  db: Kysely<Database>;
  /** A Redis URL, or a server or cluster from `redisTarget`. */
  redis: string | RedisTarget;
  /** BullMQ key prefix; the API must use the same. */
  queuePrefix: string;
  /** `WRENN_QUEUE_SHARDS`, the same as the API's; default 1. */
  queueShards?: number;
  /** `WRENN_WORKER_SHARDS`: the shards whose deliveries this process drains; default all. */
  consumeShards?: readonly number[];
  secrets: SecretBox;
  providerSettings: ProviderSettings;
  http: OutboundHttp;
  /** `WRENN_RETRY_DELAYS` in milliseconds. */
  retryDelays: readonly number[];
  /** Drain jobs (channels) in flight in this process, shared out evenly over its shards. */
  concurrency: number;
  /** `WRENN_MAX_RATE_LIMIT_WAIT`: a delivery ready this long but held back by its destination's rate fails. Default 1 h. */
  maxRateLimitWaitMs?: number;
  /** `WRENN_EDIT_WINDOW`: a `resource`-style message older than this is not edited any more. Default 24 h. */
  editWindowMs?: number;
  /** Replaces the providers' published rates (tests). */
  pacingRules?: Readonly<Record<ProviderName, PacingRule>>;
  /** Job lock lifetime: a dead worker's jobs come back after about this long. Default 30 s. */
  lockMs?: number;
  logger: Logger;
  metrics: Registry;
  /** Outbox relay timing and page sizes (see `OutboxRelayOptions` for the defaults). */
  relay?: Partial<
    Pick<
      OutboxRelayOptions,
      'intervalMs' | 'eventStaleAfterMs' | 'batchSize' | 'maxPagesPerPass' | 'lockTtlMs' | 'maxDeliveryRequeues'
    >
  >;
  /** What retention deletes; default: settled deliveries after 30 days, audit entries kept. */
  retention?: RetentionPolicy & { intervalMs?: number };
}

/** A running worker: the fan-out and drain consumers plus the outbox relay. */
export interface WorkerRuntime {
  queues: Queues;
  /** The worker's Redis connection (readiness checks ping it). */
  redis: RedisConnection;
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
  const target = typeof options.redis === 'string' ? ({ kind: 'server', url: options.redis } as const) : options.redis;
  const redis = createWorkerConnection(target);
  redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
  const layout = queueLayout(options.queuePrefix, options.queueShards ?? 1, target.kind === 'cluster');
  const queues = createQueues(redis, layout);
  for (const queue of [queues.events, ...queues.allDeliveries]) {
    queue.on('error', (err) => logger.debug({ err }, 'queue error'));
  }
  const schedule = createRetrySchedule(options.retryDelays);
  const metrics = createWorkerMetrics(options.metrics, queues, db);
  const lockMs = options.lockMs ?? 30_000;
  // Stalled jobs (their worker died) return to the queue; a few stalls are tolerated before giving up.
  const common = {
    connection: redis,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 5,
    removeOnComplete: JOB_RETENTION.removeOnComplete,
    removeOnFail: JOB_RETENTION.removeOnFail,
  };

  const ensureDrain = (channelId: ChannelId, delayMs: number) => ensureDrains(queues, [channelId], { delayMs });
  // The looks after drains that end together share one statement.
  const nextReady = createMicroBatcher<Uuid, number | null>({
    maxBatch: 256,
    maxInFlight: 1,
    run: (uuids) => nextReadyInMany(db, uuids),
  });
  /** Gives the channel a new drain when its mailbox holds a row, ready now or later. */
  async function lookAfter(channelUuid: Uuid): Promise<void> {
    const wait = await nextReady.add(channelUuid);
    if (wait !== null) await ensureDrain(formatId('channel', channelUuid), wait);
  }

  const audit = createAuditLogger({ db, logger });
  let stopping = false;
  const drains = createDrainProcessor({
    db,
    attempts: createAttemptWriter({ db, audit, logger, publish: (eventIds) => queueEvents(queues.events, eventIds) }),
    limiter: createRateLimiter({
      redis,
      prefix: options.queuePrefix,
      probeTtlMs: options.providerSettings.timeoutMs + 5_000,
    }),
    lanes: createLanes(),
    providerSettings: options.providerSettings,
    http: options.http,
    secrets: options.secrets,
    configs: createConfigCache({ secrets: options.secrets }),
    schedule,
    metrics,
    logger,
    maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? 3_600_000,
    editWindowMs: options.editWindowMs ?? 86_400_000,
    // A send lasts at most the provider timeout; a drain whose worker died hands its rows on after this.
    claimLeaseMs: options.providerSettings.timeoutMs + lockMs + 5_000,
    pacingRules: options.pacingRules,
    stopping: () => stopping,
    ensureDrain,
    lookAfter,
  });

  const fanOutWorker = new Worker<EventJob>(
    QUEUES.events,
    createFanOutProcessor({
      db,
      deliveryQueues: queues,
      metrics,
      // A drain running here for one of these channels looks at its mailbox now.
      landed: (channelUuids) => drains.wake(channelUuids),
    }),
    { ...common, prefix: eventsPrefix(layout), concurrency: FAN_OUT_CONCURRENCY },
  );
  const shards = options.consumeShards ?? queues.allDeliveries.map((_, shard) => shard);
  const perShard = Math.max(1, Math.ceil(options.concurrency / Math.max(1, shards.length)));
  const deliveryWorkers = shards.map(
    (shard) =>
      new Worker<DrainJob, DrainResult>(QUEUES.deliveries, (job, token) => drains.process(job, token), {
        ...common,
        prefix: deliveriesPrefix(layout, shard),
        concurrency: perShard,
      }),
  );
  for (const worker of [fanOutWorker, ...deliveryWorkers]) {
    worker.on('error', (err) => logger.warn({ err }, 'worker error'));
  }
  fanOutWorker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) logger.info({ job: job.id, err }, 'job ended failed');
  });
  for (const deliveryWorker of deliveryWorkers) {
    // A drain that failed outright (its database was away) comes back after a pause instead of waiting for the relay.
    deliveryWorker.on('failed', (job, err) => {
      if (!job) return;
      logger.warn({ job: job.id, err }, 'drain failed; trying again shortly');
      if (stopping || !parseId('channel', job.data.channelId)) return;
      // Without asking the database, which may be what failed: an empty mailbox ends the new drain at once.
      ensureDrain(job.data.channelId, 1_000).catch((addErr: unknown) =>
        logger.debug({ err: addErr }, 'drain not re-added; the relay will'),
      );
    });
    // A row that landed after the drain's last look, while its job id was still taken,
    // was not given a drain of its own: look again now that the id is free.
    deliveryWorker.on('completed', (job, result) => {
      if (stopping || result !== 'drained') return;
      const uuid = parseId('channel', job.data.channelId);
      if (!uuid) return;
      lookAfter(uuid).catch((err: unknown) =>
        logger.debug({ err, channel: job.data.channelId }, 'drain not re-added; the relay will'),
      );
    });
  }

  const relay = startOutboxRelay({
    db,
    queues,
    redis,
    prefix: options.queuePrefix,
    // Longer than a stalled drain's comeback, so only channels whose drain is lost qualify.
    deliveryStaleAfterMs: 2 * lockMs + options.providerSettings.timeoutMs + 10_000,
    logger,
    metrics,
    ...options.relay,
  });

  const { intervalMs: retentionIntervalMs, ...policy } = options.retention ?? {
    deliveryMs: 30 * 86_400_000,
    auditMs: null,
  };
  const retention = startRetentionPruner({
    db,
    redis,
    prefix: options.queuePrefix,
    policy,
    logger,
    metrics,
    intervalMs: retentionIntervalMs,
  });

  return {
    queues,
    redis,
    relay,
    retention,
    async close() {
      // Drains hand their channel back after the request in flight instead of emptying the mailbox.
      stopping = true;
      const results = await Promise.allSettled([
        relay.stop(),
        retention.stop(),
        fanOutWorker.close(),
        ...deliveryWorkers.map((worker) => worker.close()),
        // Parked drains hold no job: their requests are answered and recorded before Redis closes.
        drains.idle(),
      ]);
      await queues.close();
      await redis.quit().catch(() => redis.disconnect());
      for (const result of results) {
        if (result.status === 'rejected') throw result.reason;
      }
    },
  };
}

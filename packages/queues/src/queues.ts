import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { type DeliveryJob, type EventJob, JOB_RETENTION, QUEUES } from './jobs';

/** How long a producer command may wait for Redis's answer before it fails. */
export const PRODUCER_COMMAND_TIMEOUT_MS = 1_000;

/**
 * A Redis connection for producers: commands fail fast while Redis is away
 * instead of queueing in memory, and give up after a second when Redis accepts
 * them but never answers (a hung server), so a caller is never held hostage;
 * the outbox relay repairs what was not enqueued.
 */
export function createProducerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
}

/** A Redis connection for BullMQ workers, which must wait out outages (`maxRetriesPerRequest: null`). */
export function createWorkerConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    ...options,
  });
}

export interface Queues {
  events: Queue<EventJob>;
  deliveries: Queue<DeliveryJob>;
  close(): Promise<void>;
}

/** Both queues on one connection, under a key prefix (tests use one each). */
export function createQueues(connection: Redis, prefix: string): Queues {
  const options = { connection, prefix, defaultJobOptions: { ...JOB_RETENTION } };
  const events = new Queue<EventJob>(QUEUES.events, options);
  const deliveries = new Queue<DeliveryJob>(QUEUES.deliveries, options);
  return {
    events,
    deliveries,
    async close() {
      await Promise.allSettled([events.close(), deliveries.close()]);
    },
  };
}

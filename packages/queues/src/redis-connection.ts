import type { RedisTarget } from '@wrenn/runtime';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/** A connection to one Redis server or to a Redis Cluster; BullMQ takes either. */
export type RedisConnection = Redis | Cluster;

/** How long a producer command may wait for Redis's answer before it fails. */
export const PRODUCER_COMMAND_TIMEOUT_MS = 1_000;

const retryStrategy = (times: number) => Math.min(times * 200, 2_000);

/** Fail fast: no offline queue, one retry, an answer within a second. */
const PRODUCER_OPTIONS = {
  maxRetriesPerRequest: 1,
  enableOfflineQueue: false,
  connectTimeout: 2_000,
  commandTimeout: PRODUCER_COMMAND_TIMEOUT_MS,
  retryStrategy,
} satisfies RedisOptions;

/** Wait out outages: BullMQ's blocking commands require `maxRetriesPerRequest: null`. */
const WORKER_OPTIONS = { maxRetriesPerRequest: null, retryStrategy } satisfies RedisOptions;

/**
 * A Redis connection for producers: commands fail fast while Redis is away
 * instead of queueing in memory, and give up after a second when Redis accepts
 * them but never answers (a hung server), so a caller is never held hostage;
 * the outbox relay repairs what was not enqueued.
 */
export function createProducerConnection(url: string, options?: RedisOptions): Redis;
export function createProducerConnection(target: RedisTarget, options?: RedisOptions): RedisConnection;
export function createProducerConnection(target: string | RedisTarget, options: RedisOptions = {}): RedisConnection {
  return connect(target, { ...PRODUCER_OPTIONS, ...options }, false);
}

/** A Redis connection for BullMQ workers, which must wait out outages (`maxRetriesPerRequest: null`). */
export function createWorkerConnection(url: string, options?: RedisOptions): Redis;
export function createWorkerConnection(target: RedisTarget, options?: RedisOptions): RedisConnection;
export function createWorkerConnection(target: string | RedisTarget, options: RedisOptions = {}): RedisConnection {
  return connect(target, { ...WORKER_OPTIONS, ...options }, true);
}

function connect(target: string | RedisTarget, options: RedisOptions, offlineQueue: boolean): RedisConnection {
  if (typeof target === 'string') return new Redis(target, options);
  if (target.kind === 'server') return new Redis(target.url, options);
  const { enableOfflineQueue, retryStrategy: nodeRetry, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    // Each node connection carries the timeouts and credentials; the cluster
    // object itself queues nothing for a producer while it (re)discovers slots.
    redisOptions: {
      ...perNode,
      ...(target.username ? { username: target.username } : {}),
      ...(target.password ? { password: target.password } : {}),
      ...(target.tls ? { tls: {} } : {}),
    },
    enableOfflineQueue: enableOfflineQueue ?? offlineQueue,
    clusterRetryStrategy: nodeRetry ?? retryStrategy,
    // A failover moves slots: give the cluster a moment instead of failing at once;
    // a producer gives up after a few tries, so its caller is not held for seconds.
    retryDelayOnFailover: 200,
    maxRedirections: offlineQueue ? 16 : 3,
    retryDelayOnClusterDown: 300,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2_000,
    // With the ready check on, a connect() made while the cluster reports itself
    // down never settles (ioredis retries on its own and drops that promise), and
    // BullMQ awaits it when it renews a blocking connection: its worker would stop
    // taking jobs for good. Without it, commands fail with CLUSTERDOWN until the
    // cluster is whole again, and every caller already retries those.
    enableReadyCheck: false,
    // Managed cluster endpoints answer with host names their TLS certificates name;
    // resolving them to addresses first would break the certificate check.
    dnsLookup: (address, callback) => callback(null, address),
  };
  return new Cluster(target.seeds, clusterOptions);
}

/** Whether the connection answers: on a cluster, every master must (each holds some queue's keys). */
export async function pingRedis(connection: RedisConnection): Promise<void> {
  if (!(connection instanceof Cluster)) {
    await connection.ping();
    return;
  }
  const masters = connection.nodes('master');
  if (masters.length === 0) throw new Error('no cluster master known yet');
  await Promise.all(masters.map((node) => node.ping()));
}

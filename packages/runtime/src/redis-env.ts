import { z } from 'zod';

/** A Redis Cluster seed node. */
export interface RedisSeed {
  host: string;
  port: number;
}

/** Where the queues live: one Redis server, or a Redis Cluster reached through seed nodes. */
export type RedisTarget =
  | { kind: 'server'; url: string }
  | { kind: 'cluster'; seeds: RedisSeed[]; username?: string; password?: string; tls: boolean };

const SEED = /^(?:(rediss?):\/\/)?([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

/** `host:port,host:port` (each may carry `redis://` or `rediss://`; TLS when they say `rediss://`). */
export const clusterNodes = z.string().transform((text, ctx) => {
  const seeds: RedisSeed[] = [];
  const schemes = new Set<string>();
  for (const raw of text.split(',')) {
    const item = raw.trim();
    const match = SEED.exec(item);
    const port = Number(match?.[3]);
    // A seed with userinfo would put its password into the start-up error: never quote it.
    if (item.includes('@')) {
      ctx.addIssue({
        code: 'custom',
        message: 'must list host:port only; put the password in WRENN_REDIS_PASSWORD',
      });
      return z.NEVER;
    }
    if (!match || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of host:port, "${item}" is not one` });
      return z.NEVER;
    }
    schemes.add(match[1] ?? 'redis');
    seeds.push({ host: (match[2] as string).replace(/^\[|\]$/g, ''), port });
  }
  if (schemes.size > 1) {
    ctx.addIssue({ code: 'custom', message: 'must use rediss:// for every node or for none' });
    return z.NEVER;
  }
  return { seeds, tls: schemes.has('rediss') };
});

/** How many shards the deliveries queue is split into (1–64). */
export const queueShards = z.coerce
  .number({ message: 'must be an integer from 1 to 64' })
  .int('must be an integer from 1 to 64')
  .min(1, 'must be an integer from 1 to 64')
  .max(64, 'must be an integer from 1 to 64');

/** Shard indexes like `0,2`, each listed once, in order. */
export const shardList = z.string().transform((text, ctx) => {
  const items = text.split(',').map((item) => item.trim());
  const shards = items.map(Number);
  if (!items.every((item) => /^\d{1,2}$/.test(item)) || new Set(shards).size !== shards.length) {
    ctx.addIssue({ code: 'custom', message: 'must be distinct shard indexes like 0,2' });
    return z.NEVER;
  }
  return shards.sort((a, b) => a - b);
});

type RedisEnv = {
  REDIS_URL?: string | undefined;
  WRENN_REDIS_CLUSTER_NODES?: { seeds: RedisSeed[]; tls: boolean } | undefined;
  WRENN_REDIS_PASSWORD?: string | undefined;
};

/** For `superRefine`: one of `REDIS_URL` and `WRENN_REDIS_CLUSTER_NODES` must be set. */
export function requireRedis(env: RedisEnv, ctx: z.RefinementCtx): void {
  if (env.REDIS_URL || env.WRENN_REDIS_CLUSTER_NODES) return;
  ctx.addIssue({
    code: 'custom',
    path: ['REDIS_URL'],
    message: 'must be set to a Redis connection string (or set WRENN_REDIS_CLUSTER_NODES for a Redis Cluster)',
  });
}

/**
 * The Redis to connect to. With cluster seeds, the password is `WRENN_REDIS_PASSWORD`,
 * else the user and password written in `REDIS_URL` when that is set too.
 */
export function redisTarget(env: RedisEnv): RedisTarget {
  const cluster = env.WRENN_REDIS_CLUSTER_NODES;
  if (!cluster) return { kind: 'server', url: env.REDIS_URL as string };
  const url = env.REDIS_URL && URL.canParse(env.REDIS_URL) ? new URL(env.REDIS_URL) : null;
  const password = env.WRENN_REDIS_PASSWORD ?? (url?.password ? decodeURIComponent(url.password) : undefined);
  const username = url?.username ? decodeURIComponent(url.username) : undefined;
  return {
    kind: 'cluster',
    seeds: cluster.seeds,
    tls: cluster.tls,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
  };
}

/** For `superRefine`: `WRENN_WORKER_SHARDS` names only shards that exist. */
export function requireKnownShards(
  env: { WRENN_QUEUE_SHARDS: number; WRENN_WORKER_SHARDS?: number[] | undefined },
  ctx: z.RefinementCtx,
): void {
  const beyond = env.WRENN_WORKER_SHARDS?.find((shard) => shard >= env.WRENN_QUEUE_SHARDS);
  if (beyond === undefined) return;
  ctx.addIssue({
    code: 'custom',
    path: ['WRENN_WORKER_SHARDS'],
    message: `lists shard ${beyond}, but WRENN_QUEUE_SHARDS=${env.WRENN_QUEUE_SHARDS} makes shards 0 to ${env.WRENN_QUEUE_SHARDS - 1}`,
  });
}

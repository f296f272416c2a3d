import { createHash } from 'node:crypto';
import type { RedisConnection } from '@wrenn/queues';
import { Counter, type Logger, type Registry } from '@wrenn/runtime';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Cluster } from 'ioredis';
import { RedisStore, type SendCommandClusterDetails } from 'rate-limit-redis';
import { AppError } from './app-error';
import { type RateLimitName, teamOf } from './route';

/** Test sends per team and minute (CONTRACT 4): each one makes the service POST to a URL of the caller's choice. */
export const TEST_SENDS_PER_MINUTE = 10;

const WINDOW_MS = 60_000;

/** How often a Redis outage is reported while requests pass unlimited. */
const OUTAGE_WARNING_INTERVAL_MS = 10_000;

export interface RateLimitOptions {
  /** The Redis (or Redis Cluster) every API replica shares: one count per team, whichever replica answers. */
  redis: RedisConnection;
  /** Key prefix, so deployments sharing a Redis (`WRENN_QUEUE_PREFIX`) count apart. */
  keyPrefix: string;
  /** `WRENN_API_RATE_LIMIT`: requests per team and minute on every `/v1/*` route but the test sends. */
  apiPerMinute: number;
  /** Test sends per team and minute (default {@link TEST_SENDS_PER_MINUTE}). */
  testSendsPerMinute?: number;
  logger: Logger;
  metrics: Registry;
}

/**
 * The rate-limit store's commands, on one Redis or a Redis Cluster. ioredis
 * routes a keyed command to the node owning its key. A script is loaded on
 * every master (its SHA1 is its name), and the name is returned even when Redis
 * is away: the store would otherwise keep the failed load and stay broken after
 * Redis is back, and its `NOSCRIPT` retry loads it again once Redis answers.
 */
function storeCommands(redis: RedisConnection) {
  return async ({ command }: SendCommandClusterDetails) => {
    const [name, ...args] = command as [string, ...string[]];
    if (name.toUpperCase() === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD' && args[1] !== undefined) {
      const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
      await Promise.allSettled(nodes.map(async (node) => node.call('SCRIPT', 'LOAD', args[1] as string)));
      return createHash('sha1').update(args[1]).digest('hex');
    }
    return (await redis.call(name, ...args)) as never;
  };
}

/**
 * The limiter's logger. Its runtime errors (always with a message) come from
 * the store: Redis is away and the request passed unlimited. They are counted
 * and reported once per interval, so an outage is visible without a line per
 * request. Errors without a message are its configuration checks.
 */
function limiterLogger(logger: Logger, storeErrors: Counter<'limit'>, limit: RateLimitName) {
  let lastWarning = 0;
  let passed = 0;
  return {
    warn: (err: unknown, message?: string) => logger.warn({ err, limit }, message ?? 'rate limiter warning'),
    error: (err: unknown, message?: string) => {
      if (message === undefined) return logger.error({ err, limit }, 'rate limiter misconfigured');
      storeErrors.inc({ limit });
      passed += 1;
      const now = Date.now();
      if (now - lastWarning < OUTAGE_WARNING_INTERVAL_MS) return;
      logger.warn({ err, limit, passed }, 'rate limits unavailable (Redis): requests pass unlimited');
      lastWarning = now;
      passed = 0;
    },
  };
}

function counter(registry: Registry, name: string, help: string): Counter<'limit'> {
  return new Counter({ name, help, labelNames: ['limit'], registers: [registry] });
}

/**
 * The per-team rate limits of `/v1/*` (express-rate-limit with its Redis
 * store): a fixed one-minute window per team, started by the team's first
 * request in it. Every answer carries the IETF draft `RateLimit` and
 * `RateLimit-Policy` headers; over the limit the answer is `429 rate_limited`
 * with `Retry-After` (seconds until the window ends). A Redis outage lets
 * requests through unlimited (with a warning) rather than failing every
 * request: the limits protect the service, they must not take it down.
 */
export function createRateLimits(options: RateLimitOptions): Record<RateLimitName, RequestHandler> {
  const rejected = counter(
    options.metrics,
    'wrenn_api_rate_limited_total',
    'Requests answered 429 rate_limited, by limit',
  );
  const storeErrors = counter(
    options.metrics,
    'wrenn_api_rate_limit_store_errors_total',
    'Requests let through unlimited because the rate-limit store (Redis) failed, by limit',
  );
  const limiter = (name: RateLimitName, perMinute: number, what: string): RequestHandler =>
    rateLimit({
      windowMs: WINDOW_MS,
      limit: perMinute,
      identifier: name,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (_req, res) => teamOf(res),
      store: new RedisStore({
        sendCommandCluster: storeCommands(options.redis),
        prefix: `${options.keyPrefix}:rate:${name}:`,
      }),
      passOnStoreError: true,
      logger: limiterLogger(options.logger, storeErrors, name),
      handler: (_req, res, next) => {
        rejected.inc({ limit: name });
        const retryAfter = res.getHeader('Retry-After');
        next(
          new AppError('rate_limited', `at most ${perMinute} ${what} per minute per team; retry in ${retryAfter} s`),
        );
      },
    });
  return {
    test_sends: limiter('test_sends', options.testSendsPerMinute ?? TEST_SENDS_PER_MINUTE, 'test sends'),
    api: limiter('api', options.apiPerMinute, 'requests'),
  };
}

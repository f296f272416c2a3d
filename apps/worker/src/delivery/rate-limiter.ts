import { randomBytes } from 'node:crypto';
import { MAX_RETRY_AFTER_MS } from '@wrenn/events';
import type { Destination, RateHint } from '@wrenn/providers';
import type { Redis } from 'ioredis';

/**
 * Takes a slot in every window of a destination, or says how long to wait.
 * KEYS[1] holds the destination's pause (a 429 or an exhausted rate hint),
 * KEYS[2..] one sorted set of send times per window; ARGV holds each window's
 * limit and length, then a nonce for the set member. Times come from Redis's
 * own clock, so every worker process measures the same windows.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
local wait = 0
for i = 2, #KEYS do
  local limit = tonumber(ARGV[2 * i - 3])
  local window = tonumber(ARGV[2 * i - 2])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  if redis.call('ZCARD', KEYS[i]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return math.max(1, wait) end
for i = 2, #KEYS do
  redis.call('ZADD', KEYS[i], now, now .. ':' .. ARGV[#ARGV])
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i - 2]))
end
return 0
`;

/** Pauses a destination for ARGV[1] ms unless it is already paused for longer; returns the pause left. */
const PAUSE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then
  redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]))
  return untilMs - now
end
return current - now
`;

export interface RateLimiter {
  /** 0 when a request may go now (its slot is taken), else the milliseconds to wait. */
  take(destination: Destination): Promise<number>;
  /** Stops every request to the destination, in every worker, for `ms` (longer pauses win). */
  pause(destinationKey: string, ms: number): Promise<number>;
  /** Applies what an answer said about the rate: nothing left means a pause until the window resets. */
  learn(destinationKey: string, hint: RateHint): Promise<void>;
}

export interface RateLimiterOptions {
  redis: Redis;
  /** The queues' key prefix. */
  prefix: string;
  /**
   * Added to every window, as a share of it (default 5 %, at least 25 ms): a
   * request reaches the destination a little after its slot was taken, and
   * those delays vary.
   */
  margin?: number;
}

/** Per-destination pacing with its state in Redis, shared by every worker process. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { redis } = options;
  const margin = options.margin ?? 0.05;
  // One hash slot per destination, for Redis Cluster.
  const base = (key: string) => `${options.prefix}:wrenn:pace:{${key}}`;
  async function pause(destinationKey: string, ms: number): Promise<number> {
    const bounded = Math.min(Math.max(1, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
    return Number(await redis.eval(PAUSE, 1, `${base(destinationKey)}:paused`, bounded));
  }
  return {
    pause,
    async take(destination) {
      const { windows } = destination.rule;
      const keys = [`${base(destination.key)}:paused`, ...windows.map((_, i) => `${base(destination.key)}:w${i}`)];
      const args = windows.flatMap((w) => [w.limit, Math.ceil(w.windowMs + Math.max(25, w.windowMs * margin))]);
      const wait = await redis.eval(TAKE, keys.length, ...keys, ...args, randomBytes(6).toString('hex'));
      return Number(wait);
    },
    async learn(destinationKey, hint) {
      if (hint.remaining > 0 || hint.resetAfterMs <= 0) return;
      await pause(destinationKey, hint.resetAfterMs);
    },
  };
}

import { randomBytes } from 'node:crypto';
import { MAX_RETRY_AFTER_MS } from '@wrenn/events';
import type { Destination, RateHint } from '@wrenn/providers';
import type { Redis } from 'ioredis';

/**
 * Takes a slot in every window of a destination, or says how long to wait.
 * KEYS: the destination's pause (a 429 or an exhausted rate hint), its learned
 * limit per second (set after a 429), the log of its sends in the last second,
 * then one sorted set of send times per published window. ARGV: each window's
 * limit and length, then a nonce for the set members. Times come from Redis's
 * own clock, so every worker process measures the same windows.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
local wait = 0
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 1000)
local learned = tonumber(redis.call('GET', KEYS[2]) or '0')
if learned > 0 then
  local count = redis.call('ZCARD', KEYS[3])
  if count >= learned then
    local nth = redis.call('ZRANGE', KEYS[3], count - learned, count - learned, 'WITHSCORES')
    wait = tonumber(nth[2]) + 1000 - now
  end
end
for i = 4, #KEYS do
  local limit = tonumber(ARGV[2 * i - 7])
  local window = tonumber(ARGV[2 * i - 6])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  if redis.call('ZCARD', KEYS[i]) >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
    local w = tonumber(oldest[2]) + window - now
    if w > wait then wait = w end
  end
end
if wait > 0 then return math.max(1, wait) end
local member = now .. ':' .. ARGV[#ARGV]
redis.call('ZADD', KEYS[3], now, member)
redis.call('PEXPIRE', KEYS[3], 1000)
for i = 4, #KEYS do
  redis.call('ZADD', KEYS[i], now, member)
  redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i - 6]))
end
return 0
`;

/** Lua: `now`, Redis's own clock in milliseconds, the same for every worker. */
const REDIS_NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Lua: pauses KEYS[1] until now + ARGV[1] ms unless it is paused longer already; returns the pause left. */
const EXTEND_PAUSE = `
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > current then
  redis.call('SET', KEYS[1], untilMs, 'PX', tonumber(ARGV[1]))
  return untilMs - now
end
return current - now
`;

/**
 * Pauses a destination for ARGV[1] ms unless it is already paused for longer,
 * and learns from the refusal: for ARGV[2] ms the destination takes at most
 * 90 % of what it accepted in the last second (what it was sent, less the
 * ARGV[3] requests that may have been in flight when it refused), so a
 * destination without a published rate finds its pace. Returns the pause left.
 */
const PAUSE = `${REDIS_NOW}local sent = redis.call('ZCOUNT', KEYS[3], now - 1000, '+inf')
local limit = math.max(1, math.floor((sent - tonumber(ARGV[3])) * 0.9))
local learned = tonumber(redis.call('GET', KEYS[2]) or '0')
if learned == 0 or limit < learned then learned = limit end
redis.call('SET', KEYS[2], learned, 'PX', tonumber(ARGV[2]))
${EXTEND_PAUSE}`;

/** How long a limit learned from a 429 holds (renewed by each 429). */
const LEARNED_FOR_MS = 5 * 60_000;

/** Pauses a destination for ARGV[1] ms unless it is already paused for longer. */
const PAUSE_ONLY = `${REDIS_NOW}${EXTEND_PAUSE}`;

export interface RateLimiter {
  /** 0 when a request may go now (its slot is taken), else the milliseconds to wait. */
  take(destination: Destination): Promise<number>;
  /**
   * Stops every request to the destination, in every worker, for `ms` (longer
   * pauses win); unless `learn` is false, the destination then takes at most
   * 90 % of what it accepted in the last second, per second, for a while.
   */
  pause(destination: Destination, ms: number, learn?: boolean): Promise<number>;
  /** Applies what an answer said about the rate: nothing left means a pause until the window resets. */
  learn(destination: Destination, hint: RateHint): Promise<void>;
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
  const keys = (key: string) => [`${base(key)}:paused`, `${base(key)}:learned`, `${base(key)}:sent`];
  async function pause(destination: Destination, ms: number, learn = true): Promise<number> {
    const bounded = Math.min(Math.max(1, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
    if (!learn) return Number(await redis.eval(PAUSE_ONLY, 1, keys(destination.key)[0] as string, bounded));
    return Number(
      await redis.eval(PAUSE, 3, ...keys(destination.key), bounded, LEARNED_FOR_MS, destination.rule.inFlight),
    );
  }
  return {
    pause,
    async take(destination) {
      const { windows } = destination.rule;
      const all = [...keys(destination.key), ...windows.map((_, i) => `${base(destination.key)}:w${i}`)];
      const args = windows.flatMap((w) => [w.limit, Math.ceil(w.windowMs + Math.max(25, w.windowMs * margin))]);
      const wait = await redis.eval(TAKE, all.length, ...all, ...args, randomBytes(6).toString('hex'));
      return Number(wait);
    },
    async learn(destination, hint) {
      if (hint.remaining > 0 || hint.resetAfterMs <= 0) return;
      // The destination said so before refusing anything: nothing to learn beyond the pause.
      await pause(destination, hint.resetAfterMs, false);
    },
  };
}

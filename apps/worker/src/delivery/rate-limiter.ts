import { createHash, randomBytes } from 'node:crypto';
import { MAX_RETRY_AFTER_MS } from '@wrenn/events';
import type { Destination, RateHint } from '@wrenn/providers';
import type { RedisConnection } from '@wrenn/queues';

/**
 * Takes up to ARGV[1] slots in every window of a destination, one after the
 * other, and returns how many it took and, when it took fewer, how long until
 * the next one frees. KEYS: the destination's pause (a 429 or an exhausted
 * rate hint), its learned limit per second (set after a 429), the log of its
 * sends in the last second, then one sorted set of send times per published
 * window. ARGV: the slots wanted, each window's limit and length, then a nonce
 * for the set members. Times come from Redis's own clock, so every worker
 * process measures the same windows.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return {0, paused - now} end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 1000)
local learned = tonumber(redis.call('GET', KEYS[2]) or '0')
for i = 4, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - tonumber(ARGV[2 * i - 5]))
end
local taken = 0
while taken < tonumber(ARGV[1]) do
  local wait = 0
  if learned > 0 then
    local count = redis.call('ZCARD', KEYS[3])
    if count >= learned then
      local nth = redis.call('ZRANGE', KEYS[3], count - learned, count - learned, 'WITHSCORES')
      wait = tonumber(nth[2]) + 1000 - now
    end
  end
  for i = 4, #KEYS do
    local limit = tonumber(ARGV[2 * i - 6])
    local window = tonumber(ARGV[2 * i - 5])
    if redis.call('ZCARD', KEYS[i]) >= limit then
      local oldest = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
      local w = tonumber(oldest[2]) + window - now
      if w > wait then wait = w end
    end
  end
  if wait > 0 then return {taken, math.max(1, wait)} end
  taken = taken + 1
  local member = now .. ':' .. ARGV[#ARGV] .. ':' .. taken
  redis.call('ZADD', KEYS[3], now, member)
  redis.call('PEXPIRE', KEYS[3], 1000)
  for i = 4, #KEYS do
    redis.call('ZADD', KEYS[i], now, member)
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i - 5]))
  end
end
return {taken, 0}
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

/** Slots taken for requests that may go now, and when fewer than asked, the milliseconds until the next. */
export interface Slots {
  taken: number;
  waitMs: number;
}

export interface RateLimiter {
  /** Takes up to `count` slots (default 1) for requests that go now. */
  take(destination: Destination, count?: number): Promise<Slots>;
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
  redis: RedisConnection;
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
  const shas = new Map([TAKE, PAUSE, PAUSE_ONLY].map((lua) => [lua, createHash('sha1').update(lua).digest('hex')]));
  /** Runs a script by its digest (the text goes over the wire only once per Redis, after a restart too). */
  async function run(lua: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(shas.get(lua) as string, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  }
  const keys = (key: string) => [`${base(key)}:paused`, `${base(key)}:learned`, `${base(key)}:sent`];
  async function pause(destination: Destination, ms: number, learn = true): Promise<number> {
    const bounded = Math.min(Math.max(1, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
    if (!learn) return Number(await run(PAUSE_ONLY, [keys(destination.key)[0] as string], [bounded]));
    return Number(await run(PAUSE, keys(destination.key), [bounded, LEARNED_FOR_MS, destination.rule.inFlight]));
  }
  return {
    pause,
    async take(destination, count = 1) {
      const { windows } = destination.rule;
      const all = [...keys(destination.key), ...windows.map((_, i) => `${base(destination.key)}:w${i}`)];
      const args = windows.flatMap((w) => [w.limit, Math.ceil(w.windowMs + Math.max(25, w.windowMs * margin))]);
      const [taken, waitMs] = (await run(TAKE, all, [count, ...args, randomBytes(6).toString('hex')])) as [
        number,
        number,
      ];
      return { taken: Number(taken), waitMs: Number(waitMs) };
    },
    async learn(destination, hint) {
      if (hint.remaining > 0 || hint.resetAfterMs <= 0) return;
      // The destination said so before refusing anything: nothing to learn beyond the pause.
      await pause(destination, hint.resetAfterMs, false);
    },
  };
}

import { createHash, randomBytes } from 'node:crypto';
import { MAX_RETRY_AFTER_MS } from '@wrenn/events';
import type { Destination, RateHint } from '@wrenn/providers';
import type { RedisConnection } from '@wrenn/queues';

/** Lua: `now`, Redis's own clock in milliseconds, the same for every worker. */
const REDIS_NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Lua: `learned`, the destination's pace per second after a refusal (0: none).
 * It is stored as `limit:since` and grows by one every ARGV growth step
 * (`LEARNED_GROWTH_MS`), so a destination whose limit was a passing one is
 * found again without waiting for the key to expire.
 */
const LEARNED = `
local function learnedPace(key, now, growthMs)
  local stored = redis.call('GET', key)
  if not stored then return 0 end
  local limit, since = string.match(stored, '^(%d+):(%d+)$')
  if not limit then return tonumber(stored) or 0 end
  return tonumber(limit) + math.floor((now - tonumber(since)) / growthMs)
end
`;

/**
 * Takes up to `wanted` slots in every window of a destination, one after the
 * other, and returns how many it took, when it took fewer how long until the
 * next one frees, and whether the slot is a breaker's probe.
 * KEYS: pause, learned pace, sends of the last second, breaker, probe, then
 * one sorted set of send times per published window.
 * ARGV: wanted, a nonce for the set members, the probe's lifetime, the learned
 * pace's growth step, then each window's limit and length.
 */
const TAKE = `${REDIS_NOW}${LEARNED}
local pauseKey, learnedKey, sentKey, breakerKey, probeKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local wanted, nonce, probeTtl, growthMs = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local windows = {}
for i = 6, #KEYS do
  local arg = 5 + (i - 6) * 2
  windows[#windows + 1] = { key = KEYS[i], limit = tonumber(ARGV[arg]), length = tonumber(ARGV[arg + 1]) }
end

local paused = tonumber(redis.call('GET', pauseKey) or '0')
if paused > now then return {0, paused - now, 0} end
local probe = 0
local openUntil = tonumber(redis.call('GET', breakerKey) or '0')
if openUntil > now then return {0, openUntil - now, 0} end
if openUntil > 0 then
  -- Half open: one request at a time tells whether the destination is back.
  if not redis.call('SET', probeKey, '1', 'NX', 'PX', probeTtl) then return {0, 1000, 0} end
  wanted = 1
  probe = 1
end

redis.call('ZREMRANGEBYSCORE', sentKey, '-inf', now - 1000)
for _, w in ipairs(windows) do redis.call('ZREMRANGEBYSCORE', w.key, '-inf', now - w.length) end
local learned = learnedPace(learnedKey, now, growthMs)
local taken = 0
while taken < wanted do
  local wait = 0
  if learned > 0 then
    local count = redis.call('ZCARD', sentKey)
    if count >= learned then
      local nth = redis.call('ZRANGE', sentKey, count - learned, count - learned, 'WITHSCORES')
      wait = tonumber(nth[2]) + 1000 - now
    end
  end
  for _, w in ipairs(windows) do
    if redis.call('ZCARD', w.key) >= w.limit then
      local oldest = redis.call('ZRANGE', w.key, 0, 0, 'WITHSCORES')
      wait = math.max(wait, tonumber(oldest[2]) + w.length - now)
    end
  end
  if wait > 0 then
    if taken == 0 and probe == 1 then redis.call('DEL', probeKey) end
    return {taken, math.max(1, wait), taken > 0 and probe or 0}
  end
  taken = taken + 1
  local member = now .. ':' .. nonce .. ':' .. taken
  redis.call('ZADD', sentKey, now, member)
  redis.call('PEXPIRE', sentKey, 1000)
  for _, w in ipairs(windows) do
    redis.call('ZADD', w.key, now, member)
    redis.call('PEXPIRE', w.key, w.length)
  end
end
return {taken, 0, probe}
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
 * ARGV[3] requests in flight when it refused), growing by one per ARGV[4] ms.
 * Returns the pause left.
 */
const PAUSE = `${REDIS_NOW}${LEARNED}local sent = redis.call('ZCOUNT', KEYS[3], now - 1000, '+inf')
local limit = math.max(1, math.floor((sent - tonumber(ARGV[3])) * 0.9))
local learned = learnedPace(KEYS[2], now, tonumber(ARGV[4]))
if learned == 0 or limit < learned then learned = limit end
redis.call('SET', KEYS[2], learned .. ':' .. now, 'PX', tonumber(ARGV[2]))
${EXTEND_PAUSE}`;

/** Pauses a destination for ARGV[1] ms unless it is already paused for longer. */
const PAUSE_ONLY = `${REDIS_NOW}${EXTEND_PAUSE}`;

/** Sets the destination's pace to ARGV[1] per second for ARGV[2] ms (what its rate-limit headers said). */
const SET_PACE = `${REDIS_NOW}
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. now, 'PX', tonumber(ARGV[2]))
return 1
`;

/**
 * A request got no answer (timeout, network error). KEYS: breaker, probe,
 * unanswered count, trips. ARGV: the count that opens the breaker, the first
 * open time, the longest, and how long the counts are kept. The breaker opens
 * after ARGV[1] unanswered requests in a row (any worker's), and again at once
 * when its probe gets no answer, each time for twice as long. Returns the time
 * it stays open (0: closed).
 */
const TRIP = `${REDIS_NOW}
local breakerKey, probeKey, failsKey, tripsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local threshold, firstMs, longestMs, keepMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('DEL', probeKey)
local fails = redis.call('INCR', failsKey)
redis.call('PEXPIRE', failsKey, keepMs)
local openUntil = tonumber(redis.call('GET', breakerKey) or '0')
if openUntil > now then return openUntil - now end
if openUntil == 0 and fails < threshold then return 0 end
local trips = redis.call('INCR', tripsKey)
redis.call('PEXPIRE', tripsKey, keepMs)
local openMs = math.min(longestMs, firstMs * 2 ^ (trips - 1))
redis.call('SET', breakerKey, now + openMs, 'PX', openMs + keepMs)
return openMs
`;

/** The destination answered: the breaker closes and the counts start over. */
const CLOSE = `redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
`;

/** How long a pace learned from a 429 holds (renewed by each 429). */
const LEARNED_FOR_MS = 5 * 60_000;

/** A learned pace grows by one request per second this often, to find a limit that was lifted. */
const LEARNED_GROWTH_MS = 5_000;

/** Unanswered requests in a row that open a destination's breaker. */
const BREAKER_THRESHOLD = 3;
/** The breaker's first open time; each reopening doubles it, up to the longest. */
const BREAKER_FIRST_OPEN_MS = 5_000;
const BREAKER_LONGEST_OPEN_MS = 5 * 60_000;
/** How long the breaker's counts are kept without news. */
const BREAKER_MEMORY_MS = 10 * 60_000;

/** Slots taken for requests that may go now, and when fewer than asked, the milliseconds until the next. */
export interface Slots {
  taken: number;
  waitMs: number;
  /** The slot is the one request an open breaker lets through to see whether the destination is back. */
  probe: boolean;
}

export interface RateLimiter {
  /** Takes up to `count` slots (default 1) for requests that go now. */
  take(destination: Destination, count?: number): Promise<Slots>;
  /**
   * Stops every request to the destination, in every worker, for `ms` (longer
   * pauses win). With `inFlight` (the requests out when it refused), the
   * destination then takes at most 90 % of what it accepted in the last
   * second, per second, for a while, growing slowly.
   */
  pause(destination: Destination, ms: number, inFlight?: number): Promise<number>;
  /**
   * Applies what an answer said about the rate: nothing left pauses until the
   * window resets; little left (under half of the limit) paces what is left
   * evenly over the rest of the window.
   */
  learn(destination: Destination, hint: RateHint): Promise<void>;
  /**
   * A request got no answer. Several in a row open the destination's breaker:
   * no request goes until it has been open a while, then one probe at a time.
   * Returns how long it is open (0: still closed).
   */
  unanswered(destination: Destination): Promise<number>;
  /** The destination answered after unanswered requests or a probe: its breaker closes. */
  answered(destination: Destination): Promise<void>;
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
  /** How long a probe holds the half-open breaker: the provider timeout and a margin. Default 15 s. */
  probeTtlMs?: number;
}

/** Per-destination pacing and breaker with their state in Redis, shared by every worker process. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { redis } = options;
  const margin = options.margin ?? 0.05;
  const probeTtlMs = options.probeTtlMs ?? 15_000;
  // One hash slot per destination, for Redis Cluster.
  const base = (key: string) => `${options.prefix}:wrenn:pace:{${key}}`;
  const shas = new Map(
    [TAKE, PAUSE, PAUSE_ONLY, SET_PACE, TRIP, CLOSE].map((lua) => [lua, createHash('sha1').update(lua).digest('hex')]),
  );
  /** Runs a script by its digest (the text goes over the wire only once per Redis, after a restart too). */
  async function run(lua: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(shas.get(lua) as string, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  }
  const key = (destination: Destination, part: string) => `${base(destination.key)}:${part}`;
  const breakerKeys = (d: Destination) => [key(d, 'breaker'), key(d, 'probe'), key(d, 'unanswered'), key(d, 'trips')];
  async function pause(destination: Destination, ms: number, inFlight?: number): Promise<number> {
    const bounded = Math.min(Math.max(1, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
    if (inFlight === undefined) return Number(await run(PAUSE_ONLY, [key(destination, 'paused')], [bounded]));
    const keys = [key(destination, 'paused'), key(destination, 'learned'), key(destination, 'sent')];
    return Number(await run(PAUSE, keys, [bounded, LEARNED_FOR_MS, inFlight, LEARNED_GROWTH_MS]));
  }
  return {
    pause,
    async take(destination, count = 1) {
      const { windows } = destination.rule;
      const keys = [
        key(destination, 'paused'),
        key(destination, 'learned'),
        key(destination, 'sent'),
        key(destination, 'breaker'),
        key(destination, 'probe'),
        ...windows.map((_, i) => key(destination, `w${i}`)),
      ];
      const args = [
        count,
        randomBytes(6).toString('hex'),
        probeTtlMs,
        LEARNED_GROWTH_MS,
        ...windows.flatMap((w) => [w.limit, Math.ceil(w.windowMs + Math.max(25, w.windowMs * margin))]),
      ];
      const [taken, waitMs, probe] = (await run(TAKE, keys, args)) as [number, number, number];
      return { taken: Number(taken), waitMs: Number(waitMs), probe: Number(probe) === 1 };
    },
    async learn(destination, hint) {
      if (hint.resetAfterMs <= 0) return;
      // The destination said so before refusing anything: nothing to learn beyond the pause.
      if (hint.remaining === 0) {
        await pause(destination, hint.resetAfterMs);
        return;
      }
      if (hint.limit === undefined || hint.remaining * 2 >= hint.limit) return;
      const perSecond = Math.max(1, Math.floor((hint.remaining * 1000) / hint.resetAfterMs));
      await run(SET_PACE, [key(destination, 'learned')], [perSecond, Math.ceil(hint.resetAfterMs)]);
    },
    async unanswered(destination) {
      const args = [BREAKER_THRESHOLD, BREAKER_FIRST_OPEN_MS, BREAKER_LONGEST_OPEN_MS, BREAKER_MEMORY_MS];
      return Number(await run(TRIP, breakerKeys(destination), args));
    },
    async answered(destination) {
      await run(CLOSE, breakerKeys(destination), []);
    },
  };
}

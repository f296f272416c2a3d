import { randomBytes } from 'node:crypto';
import { MAX_RETRY_AFTER_MS } from '@wrenn/events';
import type { Destination, RateHint } from '@wrenn/providers';
import type { RedisConnection } from '@wrenn/queues';
import { defineScript, readLua } from '../redis-script';

const PACE = readLua(new URL('./pace.lua', import.meta.url));
const lua = (file: string) => [PACE, readLua(new URL(file, import.meta.url))];
/** The scripts, each the shared start (`pace.lua`: the clock, the learned pace, the pause) and its own file. */
const SCRIPTS = {
  take: lua('./pace-take.lua'),
  pause: lua('./pace-pause.lua'),
  pauseOnly: lua('./pace-pause-only.lua'),
  setPace: lua('./pace-set.lua'),
  trip: lua('./breaker-trip.lua'),
  close: [readLua(new URL('./breaker-close.lua', import.meta.url))],
};

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
  const run = {
    take: defineScript(redis, 'wrennPaceTake', SCRIPTS.take),
    pause: defineScript(redis, 'wrennPacePause', SCRIPTS.pause),
    pauseOnly: defineScript(redis, 'wrennPacePauseOnly', SCRIPTS.pauseOnly),
    setPace: defineScript(redis, 'wrennPaceSet', SCRIPTS.setPace),
    trip: defineScript(redis, 'wrennBreakerTrip', SCRIPTS.trip),
    close: defineScript(redis, 'wrennBreakerClose', SCRIPTS.close),
  };
  const key = (destination: Destination, part: string) => `${base(destination.key)}:${part}`;
  const breakerKeys = (d: Destination) => [key(d, 'breaker'), key(d, 'probe'), key(d, 'unanswered'), key(d, 'trips')];
  async function pause(destination: Destination, ms: number, inFlight?: number): Promise<number> {
    const bounded = Math.min(Math.max(1, Math.ceil(ms)), MAX_RETRY_AFTER_MS);
    if (inFlight === undefined) return Number(await run.pauseOnly([key(destination, 'paused')], { pauseMs: bounded }));
    const keys = [key(destination, 'paused'), key(destination, 'learned'), key(destination, 'sent')];
    const args = { pauseMs: bounded, learnedForMs: LEARNED_FOR_MS, inFlight, growthMs: LEARNED_GROWTH_MS };
    return Number(await run.pause(keys, args));
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
      const args = {
        wanted: count,
        nonce: randomBytes(6).toString('hex'),
        probeTtlMs,
        growthMs: LEARNED_GROWTH_MS,
        limits: windows.map((w) => w.limit).join(','),
        lengths: windows.map((w) => Math.ceil(w.windowMs + Math.max(25, w.windowMs * margin))).join(','),
      };
      const [taken, waitMs, probe] = (await run.take(keys, args)) as [number, number, number];
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
      await run.setPace([key(destination, 'learned')], { perSecond, forMs: Math.ceil(hint.resetAfterMs) });
    },
    async unanswered(destination) {
      const args = {
        threshold: BREAKER_THRESHOLD,
        firstOpenMs: BREAKER_FIRST_OPEN_MS,
        longestOpenMs: BREAKER_LONGEST_OPEN_MS,
        keepMs: BREAKER_MEMORY_MS,
      };
      return Number(await run.trip(breakerKeys(destination), args));
    },
    async answered(destination) {
      await run.close(breakerKeys(destination));
    },
  };
}

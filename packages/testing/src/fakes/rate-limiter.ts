/**
 * A token bucket: `burst` requests at once, then `ratePerSecond` on average.
 * How Slack, Telegram (per chat), Google Chat, Teams, Synapse and most
 * webhook receivers behave.
 */
export interface TokenBucketRule {
  kind: 'bucket';
  ratePerSecond: number;
  burst: number;
}

/**
 * At most `limit` requests in `windowMs`. A sliding window counts the last
 * `windowMs` before each request (Telegram's 20 per minute per group,
 * Discord's 30 per minute per webhook); a fixed window starts with the first
 * request and refills all at once when it ends (Discord's `X-RateLimit-*`
 * bucket, whose `Remaining` and `Reset-After` describe such a window).
 */
export interface WindowRule {
  kind: 'sliding' | 'fixed';
  limit: number;
  windowMs: number;
}

export type RateRule = TokenBucketRule | WindowRule;

/** `ratePerSecond` on average with bursts of `burst` (default 1). */
export function tokenBucket(ratePerSecond: number, burst = 1): TokenBucketRule {
  return { kind: 'bucket', ratePerSecond, burst };
}

/** At most `limit` requests in any `windowMs`. */
export function slidingWindow(limit: number, windowMs: number): WindowRule {
  return { kind: 'sliding', limit, windowMs };
}

/** `limit` requests per window that opens at the first request and refills when it closes. */
export function fixedWindow(limit: number, windowMs: number): WindowRule {
  return { kind: 'fixed', limit, windowMs };
}

/** What a limiter reports about one key, for headers such as Discord's `X-RateLimit-*`. */
export interface RateState {
  limit: number;
  remaining: number;
  /** Milliseconds until the key is back to its full allowance. */
  resetAfterMs: number;
}

/** One rule applied separately to every key (a webhook, a chat, a space…). */
export interface RateLimiter {
  rule: RateRule;
  /** `0` when a request for `key` would be admitted at `now`, otherwise how many ms until it would. */
  waitMs(key: string, now: number): number;
  /** Counts an admitted request. */
  record(key: string, now: number): void;
  state(key: string, now: number): RateState;
}

// Rounding in the token arithmetic must not turn "waited exactly as told" into another refusal.
const EPSILON = 1e-6;

function bucketLimiter(rule: TokenBucketRule): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (key: string, now: number) => {
    const bucket = buckets.get(key) ?? { tokens: rule.burst, at: now };
    const tokens = Math.min(rule.burst, bucket.tokens + (Math.max(0, now - bucket.at) * rule.ratePerSecond) / 1000);
    const next = { tokens, at: now };
    buckets.set(key, next);
    return next;
  };
  return {
    rule,
    waitMs(key, now) {
      const { tokens } = refill(key, now);
      return tokens + EPSILON >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / rule.ratePerSecond - EPSILON);
    },
    record(key, now) {
      refill(key, now).tokens -= 1;
    },
    state(key, now) {
      const { tokens } = refill(key, now);
      return {
        limit: rule.burst,
        remaining: Math.max(0, Math.floor(tokens + EPSILON)),
        resetAfterMs: Math.ceil(((rule.burst - tokens) * 1000) / rule.ratePerSecond),
      };
    },
  };
}

function slidingLimiter(rule: WindowRule): RateLimiter {
  const admitted = new Map<string, number[]>();
  const recent = (key: string, now: number) => {
    const times = (admitted.get(key) ?? []).filter((t) => t + rule.windowMs > now);
    admitted.set(key, times);
    return times;
  };
  return {
    rule,
    waitMs(key, now) {
      const times = recent(key, now);
      if (times.length < rule.limit) return 0;
      return (times[times.length - rule.limit] as number) + rule.windowMs - now;
    },
    record(key, now) {
      recent(key, now).push(now);
    },
    state(key, now) {
      const times = recent(key, now);
      return {
        limit: rule.limit,
        remaining: Math.max(0, rule.limit - times.length),
        resetAfterMs: times.length === 0 ? 0 : (times.at(-1) as number) + rule.windowMs - now,
      };
    },
  };
}

function fixedLimiter(rule: WindowRule): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (key: string, now: number) => {
    const window = windows.get(key);
    if (window && now < window.start + rule.windowMs) return window;
    return undefined;
  };
  return {
    rule,
    waitMs(key, now) {
      const window = current(key, now);
      return window && window.count >= rule.limit ? window.start + rule.windowMs - now : 0;
    },
    record(key, now) {
      const window = current(key, now) ?? { start: now, count: 0 };
      window.count += 1;
      windows.set(key, window);
    },
    state(key, now) {
      const window = current(key, now);
      return {
        limit: rule.limit,
        remaining: rule.limit - (window?.count ?? 0),
        resetAfterMs: window ? window.start + rule.windowMs - now : rule.windowMs,
      };
    },
  };
}

/** A limiter enforcing `rule` per key. */
export function createRateLimiter(rule: RateRule): RateLimiter {
  if (rule.kind === 'bucket') return bucketLimiter(rule);
  return rule.kind === 'sliding' ? slidingLimiter(rule) : fixedLimiter(rule);
}

/**
 * The outcome of checking one request against every limit that applies to it.
 * A refusal says how long to wait, and the whole seconds a `Retry-After` header
 * gives for it (never less than the real wait).
 */
export type Admission =
  | { ok: true }
  | { ok: false; retryAfterMs: number; retryAfterSeconds: number; limiter: RateLimiter };

/**
 * Admits a request only when every `[limiter, key]` pair has room, and then
 * counts it in all of them; a refused request counts nowhere, so a client that
 * waits the advertised time is admitted. The wait reported is the longest one.
 */
export function admit(checks: ReadonlyArray<readonly [RateLimiter | undefined, string]>, now = Date.now()): Admission {
  let worst: { retryAfterMs: number; limiter: RateLimiter } | null = null;
  for (const [limiter, key] of checks) {
    if (!limiter) continue;
    const wait = limiter.waitMs(key, now);
    if (wait > 0 && (worst === null || wait > worst.retryAfterMs)) worst = { retryAfterMs: wait, limiter };
  }
  if (worst) return { ok: false, ...worst, retryAfterSeconds: retryAfterSeconds(worst.retryAfterMs) };
  for (const [limiter, key] of checks) limiter?.record(key, now);
  return { ok: true };
}

/**
 * How a test turns a fake's rate limits on: `true` for the provider's own
 * limits, an object to replace some of them (`null` switches one off), and
 * `false` or nothing to leave the fake unlimited (the default).
 */
export type RateLimitsOption<Rules> = boolean | { [K in keyof Rules]?: Rules[K] | null } | undefined;

/** The limiters a fake enforces, or `null` when its rate limits are off. */
export function limitersFor<Rules extends Record<string, RateRule>>(
  option: RateLimitsOption<Rules>,
  defaults: Rules,
): { [K in keyof Rules]?: RateLimiter } | null {
  if (option === undefined || option === false) return null;
  const merged: Record<string, RateRule | null | undefined> = { ...defaults, ...(option === true ? {} : option) };
  const limiters: Record<string, RateLimiter> = {};
  for (const [name, rule] of Object.entries(merged)) if (rule) limiters[name] = createRateLimiter(rule);
  return limiters as { [K in keyof Rules]?: RateLimiter };
}

/** Seconds for a `Retry-After` header: whole seconds, never less than the real wait. */
function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

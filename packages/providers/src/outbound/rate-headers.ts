import { parseRateLimit } from 'ratelimit-header-parser';
import type { RateHint } from '../provider';
import type { OutboundResponse } from './outbound-http';

/** Longest window a header may describe; anything longer is read as this (the same cap as `Retry-After`). */
const MAX_RESET_MS = 15 * 60_000;

/**
 * What an answer's rate-limit headers say about the destination's pace:
 * `X-RateLimit-Limit/Remaining/Reset` (reset in seconds or as a Unix time),
 * the IETF draft's `RateLimit-Limit/Remaining/Reset` and combined
 * `RateLimit: limit=…, remaining=…, reset=…`, read by `ratelimit-header-parser`;
 * and the later drafts' structured form (`RateLimit: "name";r=…;t=…` with
 * `RateLimit-Policy: "name";q=…;w=…`), which that library does not read yet.
 * `undefined` when the answer carries none of them.
 */
export function rateHintOfHeaders(headers: OutboundResponse['headers']): RateHint | undefined {
  return structuredHint(headers) ?? classicHint(headers, Date.now());
}

function classicHint(headers: OutboundResponse['headers'], now: number): RateHint | undefined {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? (value[0] ?? '') : value;
  }
  let parsed: ReturnType<typeof parseRateLimit>;
  try {
    parsed = parseRateLimit(flat);
  } catch {
    return undefined;
  }
  if (!parsed || !Number.isFinite(parsed.remaining) || parsed.remaining < 0 || !parsed.reset) return undefined;
  const resetAfterMs = parsed.reset.getTime() - now;
  if (!Number.isFinite(resetAfterMs)) return undefined;
  return {
    remaining: Math.floor(parsed.remaining),
    resetAfterMs: clamp(resetAfterMs),
    ...(Number.isFinite(parsed.limit) && parsed.limit > 0 ? { limit: Math.floor(parsed.limit) } : {}),
  };
}

/** `RateLimit: "default";r=0;t=4` (remaining, seconds to reset) with an optional `RateLimit-Policy` quota. */
function structuredHint(headers: OutboundResponse['headers']): RateHint | undefined {
  const field = (name: string) => {
    const value = headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? '';
  };
  const params = (text: string) => new Map([...text.matchAll(/;\s*([a-z]+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  const state = params(field('ratelimit'));
  const remaining = state.get('r');
  const reset = state.get('t');
  if (remaining === undefined || reset === undefined) return undefined;
  const quota = params(field('ratelimit-policy')).get('q');
  return { remaining, resetAfterMs: clamp(reset * 1000), ...(quota ? { limit: quota } : {}) };
}

function clamp(ms: number): number {
  return Math.min(Math.max(0, Math.ceil(ms)), MAX_RESET_MS);
}

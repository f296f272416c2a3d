import { describe, expect, it } from 'vitest';
import { rateHintOfHeaders } from '../src/outbound/rate-headers';
import { classifyWebhookResponse } from '../src/webhook/classify';

/** The hint with its reset rounded to the second: the parser reads relative resets against the clock. */
function hint(headers: Record<string, string>) {
  const read = rateHintOfHeaders(headers);
  return read && { ...read, resetAfterMs: Math.round(read.resetAfterMs / 1000) * 1000 };
}

describe('rate-limit headers', () => {
  it('reads X-RateLimit-* with the reset in seconds or as a Unix time', () => {
    expect(hint({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '30' })).toEqual({
      remaining: 5,
      resetAfterMs: 30_000,
      limit: 60,
    });
    const unix = String(Math.floor(Date.now() / 1000) + 12);
    expect(
      rateHintOfHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': unix })?.resetAfterMs,
    ).toBeGreaterThan(10_000);
  });

  it("reads the IETF draft's separate and combined fields, and its structured form with a policy", () => {
    expect(hint({ 'ratelimit-limit': '20', 'ratelimit-remaining': '3', 'ratelimit-reset': '2' })).toEqual({
      remaining: 3,
      resetAfterMs: 2_000,
      limit: 20,
    });
    expect(hint({ ratelimit: 'limit=20, remaining=0, reset=4' })).toEqual({
      remaining: 0,
      resetAfterMs: 4_000,
      limit: 20,
    });
    expect(rateHintOfHeaders({ ratelimit: '"default";r=7;t=9', 'ratelimit-policy': '"default";q=100;w=60' })).toEqual({
      remaining: 7,
      resetAfterMs: 9_000,
      limit: 100,
    });
  });

  it('is absent without the headers or with values that make no sense, and caps a reset at 15 minutes', () => {
    expect(rateHintOfHeaders({})).toBeUndefined();
    expect(rateHintOfHeaders({ 'x-ratelimit-remaining': 'lots', 'x-ratelimit-reset': 'soon' })).toBeUndefined();
    expect(rateHintOfHeaders({ ratelimit: '"default";r=1;t=86400' })?.resetAfterMs).toBe(15 * 60_000);
  });

  it('ride along with a webhook answer, successful or refused, but not with a permanent failure', () => {
    const headers = { 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '1' };
    expect(classifyWebhookResponse({ status: 200, headers, body: '' })).toMatchObject({
      kind: 'ok',
      rateHint: { remaining: 0, limit: 10 },
    });
    expect(
      classifyWebhookResponse({ status: 429, headers: { ...headers, 'retry-after': '1' }, body: '' }),
    ).toMatchObject({ kind: 'retry', retryAfterMs: 1_000, rateHint: { remaining: 0 } });
    expect(classifyWebhookResponse({ status: 410, headers, body: '' })).not.toHaveProperty('rateHint');
  });
});

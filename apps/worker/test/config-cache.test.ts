import { randomBytes } from 'node:crypto';
import { createSecretBox, sealConfig } from '@wrenn/crypto';
import { newId } from '@wrenn/events';
import { describe, expect, it } from 'vitest';
import { createConfigCache } from '../src/delivery/config-cache';

const secrets = createSecretBox({ key: randomBytes(32).toString('hex') });
const sealed = sealConfig(secrets, { webhook_url: 'https://hooks.slack.com/services/T1/B1/secret' });
/** A stored config no key opens: reading it succeeds only from the cache. */
const unopenable = { webhook_url: 'not sealed' };
const at = new Date('2026-11-30T05:00:00Z');
const [a, b, c] = [newId('channel').uuid, newId('channel').uuid, newId('channel').uuid];

/** A clock for the cache's expiry that only moves when told. */
function manualClock() {
  let now = 1_000;
  return {
    now: () => now,
    advance: async (ms: number) => {
      now += ms;
      // lru-cache reuses a reading of its clock for 1 ms of real time.
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

describe('config cache', () => {
  it('opens a config once and serves the same plaintext while the config version is unchanged', () => {
    const cache = createConfigCache({ secrets });
    const first = cache.open(a, at, sealed);
    expect(first).toEqual({ webhook_url: 'https://hooks.slack.com/services/T1/B1/secret' });
    expect(cache.open(a, new Date(at), unopenable)).toBe(first);
    expect(cache.size).toBe(1);
  });

  it('opens the stored values afresh when the config version moves (an edit, a rotation)', () => {
    const cache = createConfigCache({ secrets });
    cache.open(a, at, sealed);
    const edited = new Date(at.getTime() + 1);
    expect(() => cache.open(a, edited, unopenable)).toThrow();
    const reopened = sealConfig(secrets, { webhook_url: 'https://hooks.slack.com/services/T1/B1/other' });
    expect(cache.open(a, edited, reopened)).toEqual({
      webhook_url: 'https://hooks.slack.com/services/T1/B1/other',
    });
  });

  it('drops a plaintext config once its time is up, even while in use', async () => {
    const clock = manualClock();
    const cache = createConfigCache({ secrets, ttlMs: 600_000, clock });
    const first = cache.open(a, at, sealed);
    await clock.advance(599_000);
    expect(cache.open(a, at, unopenable)).toBe(first);
    await clock.advance(2_000);
    expect(() => cache.open(a, at, unopenable)).toThrow();
    expect(cache.open(a, at, sealed)).not.toBe(first);
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const cache = createConfigCache({ secrets, maxEntries: 2 });
    const one = cache.open(a, at, sealed);
    cache.open(b, at, sealed);
    // `a` is used again, so `b` is the least recently used when `c` arrives.
    expect(cache.open(a, at, unopenable)).toBe(one);
    cache.open(c, at, sealed);
    expect(cache.size).toBe(2);
    expect(cache.open(a, at, unopenable)).toBe(one);
    expect(() => cache.open(b, at, unopenable)).toThrow();
  });
});

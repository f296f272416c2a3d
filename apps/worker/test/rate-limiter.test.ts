import { testRedisUrl, uniqueQueuePrefix } from '@wrenn/testing';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createRateLimiter } from '../src/delivery/rate-limiter';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.quit());

function limiter() {
  return createRateLimiter({ redis, prefix: uniqueQueuePrefix(), margin: 0 });
}

it('takes as many slots as the windows allow, then says how long until the next', async () => {
  const rates = limiter();
  const destination = { key: 'webhook:a', rule: { windows: [{ limit: 3, windowMs: 1_000 }], inFlight: 4 } };
  const first = await rates.take(destination, 5);
  expect(first.taken).toBe(3);
  expect(first.waitMs).toBeGreaterThan(900);
  expect(first.waitMs).toBeLessThanOrEqual(1_025);
  expect(await rates.take(destination)).toMatchObject({ taken: 0 });
  // Another destination has windows of its own.
  expect(await rates.take({ ...destination, key: 'webhook:b' }, 2)).toEqual({ taken: 2, waitMs: 0 });
});

it('gives no slot while the destination is paused, and after a 429 keeps under what it accepted', async () => {
  const rates = limiter();
  const destination = { key: 'webhook:c', rule: { windows: [], inFlight: 2 } };
  expect(await rates.take(destination, 10)).toEqual({ taken: 10, waitMs: 0 });
  await rates.pause(destination, 300);
  const paused = await rates.take(destination, 4);
  expect(paused.taken).toBe(0);
  expect(paused.waitMs).toBeGreaterThan(200);
  await new Promise((resolve) => setTimeout(resolve, 350));
  // Learned from the refusal: 90 % of the 10 sent less the 2 that may have been in flight, per second.
  const after = await rates.take(destination, 10);
  expect(after.taken).toBeLessThanOrEqual(7);
  expect(after.waitMs).toBeGreaterThan(0);
});

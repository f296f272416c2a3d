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
  const destination = { key: 'webhook:a', rule: { windows: [{ limit: 3, windowMs: 1_000 }] } };
  const first = await rates.take(destination, 5);
  expect(first.taken).toBe(3);
  expect(first.waitMs).toBeGreaterThan(900);
  expect(first.waitMs).toBeLessThanOrEqual(1_025);
  expect(await rates.take(destination)).toMatchObject({ taken: 0 });
  // Another destination has windows of its own.
  expect(await rates.take({ ...destination, key: 'webhook:b' }, 2)).toEqual({ taken: 2, waitMs: 0, probe: false });
});

it('gives no slot while the destination is paused, and after a 429 keeps under what it accepted', async () => {
  const rates = limiter();
  const destination = { key: 'webhook:c', rule: { windows: [] } };
  expect(await rates.take(destination, 10)).toEqual({ taken: 10, waitMs: 0, probe: false });
  await rates.pause(destination, 300, 2);
  const paused = await rates.take(destination, 4);
  expect(paused.taken).toBe(0);
  expect(paused.waitMs).toBeGreaterThan(200);
  await new Promise((resolve) => setTimeout(resolve, 350));
  // Learned from the refusal: 90 % of the 10 sent less the 2 that may have been in flight, per second.
  const after = await rates.take(destination, 10);
  expect(after.taken).toBeLessThanOrEqual(7);
  expect(after.waitMs).toBeGreaterThan(0);
});

it("paces what an answer's rate-limit headers say is left, and pauses when nothing is", async () => {
  const rates = limiter();
  const destination = { key: 'webhook:d', rule: { windows: [] } };
  // Plenty left: nothing changes.
  await rates.learn(destination, { remaining: 90, resetAfterMs: 10_000, limit: 100 });
  expect(await rates.take(destination, 50)).toMatchObject({ taken: 50 });
  // Little left: the rest is spread over the window, 3 in the next second.
  await rates.learn(destination, { remaining: 30, resetAfterMs: 10_000, limit: 100 });
  await new Promise((resolve) => setTimeout(resolve, 1_050));
  expect(await rates.take(destination, 10)).toMatchObject({ taken: 3 });
  // None left: no request until the window resets.
  await rates.learn(destination, { remaining: 0, resetAfterMs: 400 });
  const paused = await rates.take(destination);
  expect(paused.taken).toBe(0);
  expect(paused.waitMs).toBeGreaterThan(300);
});

it('opens the breaker after three unanswered requests, then lets one probe through at a time until an answer', async () => {
  const rates = createRateLimiter({ redis, prefix: uniqueQueuePrefix(), margin: 0, probeTtlMs: 60_000 });
  const destination = { key: 'webhook:e', rule: { windows: [] } };
  expect(await rates.unanswered(destination)).toBe(0);
  expect(await rates.unanswered(destination)).toBe(0);
  const openMs = await rates.unanswered(destination);
  expect(openMs).toBeGreaterThan(4_000);
  const closed = await rates.take(destination, 5);
  expect(closed.taken).toBe(0);
  expect(closed.waitMs).toBeGreaterThan(4_000);

  // Half open once the time is up (moved forward here through the key itself).
  const breaker = (await redis.keys('*webhook:e}:breaker'))[0] as string;
  await redis.set(breaker, String(Date.now() - 1), 'PX', 60_000);
  expect(await rates.take(destination, 5)).toEqual({ taken: 1, waitMs: 0, probe: true });
  // While the probe is out, nothing else goes.
  expect(await rates.take(destination, 5)).toMatchObject({ taken: 0, probe: false });
  // The probe got no answer either: open again, for twice as long.
  expect(await rates.unanswered(destination)).toBeGreaterThan(openMs);
  await redis.set(breaker, String(Date.now() - 1), 'PX', 60_000);
  expect(await rates.take(destination, 5)).toMatchObject({ taken: 1, probe: true });
  // An answer closes it: everything goes again.
  await rates.answered(destination);
  expect(await rates.take(destination, 5)).toEqual({ taken: 5, waitMs: 0, probe: false });
});

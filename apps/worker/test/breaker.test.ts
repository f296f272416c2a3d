import { newId } from '@wrenn/events';
import { startFakeServer, waitFor } from '@wrenn/testing';
import { afterEach, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a destination that stops answering is cut off, probed one request at a time, and taken back once it answers', {
  timeout: 60_000,
}, async () => {
  // Holds every request unanswered until `back`; then answers at once.
  let back = false;
  let open = 0;
  const arrivals: Array<{ at: number; open: number }> = [];
  const server = await startFakeServer((req, res) => {
    open++;
    arrivals.push({ at: req.receivedAt, open });
    res.once('close', () => open--);
    if (back) res.writeHead(200).end();
  });
  cleanups.push(() => server.close());
  // Attempts time out after 400 ms; the schedule has room for many of them.
  const pipeline = await createPipeline({
    retryDelays: Array.from({ length: 20 }, () => 200),
    providerSettings: { timeoutMs: 400 },
  });
  cleanups.push(() => pipeline.close());
  pipeline.startWorker();
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    config: { url: `${server.origin}/hook` },
    events: ['capsule.created'],
  });
  await pipeline.audit.record(Array.from({ length: 10 }, () => lifecycleEntry(team, 'sandbox', 'create')));

  // Three requests in a row get no answer: the breaker opens for 5 s.
  await waitFor(() => arrivals.length >= 3, { timeoutMs: 10_000 });
  const third = (arrivals[2] as { at: number }).at;
  await waitFor(() => arrivals.some((a) => a.at > third + 1_000), { timeoutMs: 15_000 });
  const afterTrip = arrivals.filter((a) => a.at > third + 1_000);
  const probe = afterTrip[0] as { at: number; open: number };
  // Nothing went while it was open, and the probe went alone.
  expect(probe.at - third).toBeGreaterThan(4_000);
  expect(probe.open).toBe(1);
  // A probe without an answer opens it again, for longer: still one request at a time.
  await waitFor(() => arrivals.length >= 5, { timeoutMs: 30_000 });
  expect(arrivals.slice(3).every((a) => a.open === 1)).toBe(true);

  back = true;
  const rows = await waitFor(
    async () => {
      const all = await pipeline.deliveriesOf(channel.uuid);
      return all.length === 10 && all.every((r) => r.status === 'succeeded') ? all : null;
    },
    { timeoutMs: 30_000 },
  );
  // Only the requests that went used attempts; the rows held back by the breaker waited.
  expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(arrivals.length);
  console.log(`breaker: ${arrivals.length} requests for 10 deliveries`);
});

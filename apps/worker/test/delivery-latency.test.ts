import { newId } from '@wrenn/events';
import { type FakeServer, spawnWorker, startFakeServer, type WorkerProcess, waitFor } from '@wrenn/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
let destination: FakeServer;
let worker: WorkerProcess;
let requests = 0;

beforeAll(async () => {
  // The first request fails: that delivery succeeds on its second attempt.
  destination = await startFakeServer((_req, res) => {
    requests++;
    res.writeHead(requests === 1 ? 500 : 200).end('{}');
  });
  pipeline = await createPipeline();
  worker = await spawnWorker(pipeline);
});

afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await pipeline?.close();
  await destination?.close();
});

/** `wrenn_event_delivery_latency_seconds` of the webhook provider, as the worker's /metrics shows it. */
async function latencyHistogram() {
  const text = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
  const value = (series: string, le?: string) => {
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith(`wrenn_event_delivery_latency_seconds_${series}{`) &&
          l.includes('provider="webhook"') &&
          (le === undefined || l.includes(`le="${le}"`)),
      );
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  return { count: value('count'), sum: value('sum'), within30s: value('bucket', '30'), inf: value('bucket', '+Inf') };
}

it('observes each delivery once, at its first success, from the event ingest', async () => {
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    config: { url: `${destination.origin}/hook` },
    events: ['capsule.created', 'capsule.destroyed'],
  });
  const started = Date.now();
  await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create'), lifecycleEntry(team, 'sandbox', 'destroy')]);
  await waitFor(async () => (await worker.attemptsCounted('succeeded')) === 2, { timeoutMs: 20_000 });
  const elapsed = (Date.now() - started) / 1000;

  const histogram = await latencyHistogram();
  expect(histogram.count).toBe(2);
  expect(histogram.inf).toBe(2);
  expect(histogram.within30s).toBe(2);
  // One delivery waited for a retry (0.5 s); neither can have taken longer than the whole test.
  expect(histogram.sum).toBeGreaterThanOrEqual(0.5);
  expect(histogram.sum).toBeLessThanOrEqual(2 * elapsed + 0.5);
  expect(await worker.attemptsCounted('retry')).toBe(1);

  // A redelivery of a delivered row sends again but is not a first success.
  const [row] = await pipeline.deliveriesOf(channel.uuid);
  if (!row) throw new Error('no delivery');
  await pipeline.redeliver(row.id, channel.id);
  await waitFor(async () => (await worker.attemptsCounted('succeeded')) === 3, { timeoutMs: 20_000 });
  expect((await latencyHistogram()).count).toBe(2);
});

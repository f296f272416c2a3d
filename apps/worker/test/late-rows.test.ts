import { newId } from '@wrenn/events';
import { startFakeServer, waitFor } from '@wrenn/testing';
import { afterEach, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a row that lands while its channel is being drained is sent once the drain can, not by the relay', async () => {
  // The first request is held until the test lets it go; later ones are answered at once.
  const received: string[] = [];
  let releaseFirst: () => void = () => {};
  const destination = await startFakeServer((req, res) => {
    received.push(String(req.headers['webhook-id']));
    if (received.length === 1) {
      releaseFirst = () => res.writeHead(200).end('{}');
      return;
    }
    res.writeHead(200).end('{}');
  });
  cleanups.push(() => destination.close());
  const pipeline = await createPipeline({ retryDelays: [] });
  cleanups.push(() => pipeline.close());
  const worker = pipeline.startWorker();
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    config: { url: `${destination.origin}/hook` },
    events: ['capsule.created', 'capsule.destroyed'],
  });

  await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
  await waitFor(() => received.length === 1);
  // The drain waits on the first request: the second event's row lands meanwhile.
  await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'destroy')]);
  await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid)).length === 2);

  releaseFirst();
  // Well inside the time after which the relay would pick up a forgotten row (25 s here).
  await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid)).every((d) => d.status === 'succeeded'), {
    timeoutMs: 5_000,
  });
  expect(new Set(received).size).toBe(2);
  // Nothing was sent twice, and the channel's drain is gone once its mailbox is empty.
  expect(received).toHaveLength(2);
  await waitFor(async () => (await worker.queues.deliveriesFor(channel.id).getJob(channel.id)) === undefined);
});

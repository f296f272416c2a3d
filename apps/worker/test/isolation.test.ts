import { newId } from '@wrenn/events';
import { startFakeServer, startFakeWebhookReceiver, waitFor } from '@wrenn/testing';
import { afterEach, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('300 channels whose endpoints are slow or never answer do not delay a healthy channel', {
  timeout: 120_000,
}, async () => {
  // 150 endpoints answer after 4 s, 150 never answer (the attempt times out after 3 s).
  let slowRequests = 0;
  const slow = await startFakeServer(async (req, res) => {
    slowRequests++;
    if (req.url.startsWith('/hang/')) return;
    await sleep(4_000);
    res.writeHead(200).end();
  });
  cleanups.push(() => slow.close());
  const healthy = await startFakeWebhookReceiver();
  cleanups.push(() => healthy.close());
  const pipeline = await createPipeline({ retryDelays: [1_000, 1_000], providerSettings: { timeoutMs: 3_000 } });
  cleanups.push(() => pipeline.close());

  const noisyTeam = newId('team').id;
  for (let i = 0; i < 300; i++) {
    await pipeline.createChannel({
      teamId: noisyTeam,
      config: { url: `${slow.origin}/${i % 2 === 0 ? 'slow' : 'hang'}/${i}` },
      events: ['capsule.created'],
    });
  }
  const team = newId('team').id;
  const channel = await pipeline.createChannel({ teamId: team, config: { url: healthy.url }, events: ['host.down'] });
  pipeline.startWorker();

  // The noisy team's capsules keep every slow destination busy for the whole test.
  let noisy = true;
  const noise = (async () => {
    while (noisy) {
      await pipeline.audit.record([lifecycleEntry(noisyTeam, 'sandbox', 'create')]);
      await sleep(500);
    }
  })();
  await waitFor(() => slowRequests >= 300, { timeoutMs: 20_000 });

  // Then the healthy team's events, one every 100 ms.
  const sentAt: number[] = [];
  for (let i = 0; i < 40; i++) {
    sentAt.push(Date.now());
    await pipeline.audit.record([{ ...lifecycleEntry(team, 'host', 'marked_down'), metadata: { seq: i } }]);
    await sleep(100);
  }
  await waitFor(() => healthy.received.length >= 40, { timeoutMs: 30_000 });
  noisy = false;
  await noise;

  const latencies = healthy.received
    .map((r) => {
      const seq = (JSON.parse(r.request.body) as { metadata: { seq: number } }).metadata.seq;
      return r.request.receivedAt - (sentAt[seq] as number);
    })
    .sort((a, b) => a - b);
  const p50 = latencies[19] as number;
  const max = latencies.at(-1) as number;
  console.log(
    `healthy channel beside 300 slow or hanging ones: p50 ${p50} ms, max ${max} ms; ${slowRequests} slow requests`,
  );
  // The target is p99 under 1 s; asserted loosely, for a loaded test machine.
  expect(p50).toBeLessThan(500);
  expect(max).toBeLessThan(2_500);
  expect(await pipeline.deliveriesOf(channel.uuid)).toHaveLength(40);
});

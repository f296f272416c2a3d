import { newId } from '@wrenn/events';
import { startFakeWebhookReceiver, waitFor } from '@wrenn/testing';
import { afterAll, expect, it } from 'vitest';
import { loadWorkerEnv } from '../src/env';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

let pipeline: Pipeline | undefined;
afterAll(() => pipeline?.close());

it('retries a failing receiver at about 0 s, 10 s and 40 s with the default WRENN_RETRY_DELAYS', {
  timeout: 70_000,
}, async () => {
  const env = loadWorkerEnv({
    DATABASE_URL: 'postgres://unused',
    REDIS_URL: 'redis://unused',
    WRENN_ENCRYPTION_KEY: '0'.repeat(64),
  });
  expect(env.WRENN_RETRY_DELAYS).toEqual([10_000, 30_000]);
  pipeline = await createPipeline({ retryDelays: env.WRENN_RETRY_DELAYS });
  const receiver = await startFakeWebhookReceiver({ defaultResponse: { status: 503, body: 'down for maintenance' } });
  try {
    pipeline.startWorker({ retryDelays: env.WRENN_RETRY_DELAYS });
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: receiver.url },
      events: ['capsule.created'],
    });
    const acknowledgedAt = Date.now();
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);

    const p = pipeline;
    const delivery = await waitFor(
      async () => {
        const [row] = await p.deliveriesOf(channel.uuid);
        return row?.status === 'failed' ? row : null;
      },
      { timeoutMs: 55_000, intervalMs: 200 },
    );
    const offsets = receiver.received.map((r) => (r.request.receivedAt - acknowledgedAt) / 1000);
    expect(offsets).toHaveLength(3);
    const [first, second, third] = offsets as [number, number, number];
    expect(first).toBeLessThan(2);
    expect(second - first).toBeGreaterThanOrEqual(10 - 0.05);
    expect(second - first).toBeLessThan(12);
    expect(third - second).toBeGreaterThanOrEqual(30 - 0.05);
    expect(third - second).toBeLessThan(32);
    expect(delivery).toMatchObject({ attempts: 3, last_status_code: 503 });
    console.log(`default schedule: attempts at ${offsets.map((o) => `${o.toFixed(2)} s`).join(', ')}`);
  } finally {
    await receiver.close();
  }
});

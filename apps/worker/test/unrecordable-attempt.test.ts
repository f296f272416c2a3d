import { formatId, newId } from '@wrenn/events';
import { holdsFor, startFakeWebhookReceiver, waitFor } from '@wrenn/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('an answer that cannot be stored as it is', () => {
  it('a 500 with a NUL byte in its body settles its delivery and never resends the neighbours', async () => {
    const pipeline = await createPipeline({ retryDelays: [100] });
    cleanups.push(() => pipeline.close());
    const broken = await startFakeWebhookReceiver({ defaultResponse: { status: 500, body: 'bad\u0000byte' } });
    const healthy = await startFakeWebhookReceiver();
    cleanups.push(
      () => broken.close(),
      () => healthy.close(),
    );
    const team = newId('team').id;
    const bad = await pipeline.createChannel({
      teamId: team,
      config: { url: broken.url },
      events: ['capsule.created'],
    });
    const good = await Promise.all(
      Array.from({ length: 12 }, () =>
        pipeline.createChannel({ teamId: team, config: { url: healthy.url }, events: ['capsule.created'] }),
      ),
    );
    pipeline.startWorker({ concurrency: 32 });
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);

    const [settled] = await waitFor(
      async () => {
        const rows = await pipeline.deliveriesOf(bad.uuid);
        return rows[0]?.status === 'failed' ? rows : null;
      },
      { timeoutMs: 8_000, message: 'the delivery with the unstorable answer stayed pending' },
    );
    expect(settled).toMatchObject({ status: 'failed', last_status_code: 500 });
    // The answer is kept, cleaned of the byte the database refuses (not replaced by the writer's fallback).
    expect(settled?.last_error).toContain('badbyte');
    expect(settled?.last_error).not.toContain('\u0000');
    expect(broken.received).toHaveLength(2);

    const goodDeliveries = await waitFor(
      async () => {
        const rows = (await Promise.all(good.map((c) => pipeline.deliveriesOf(c.uuid)))).flat();
        return rows.length === 12 && rows.every((d) => d.status !== 'pending') ? rows : null;
      },
      { timeoutMs: 8_000, message: 'the neighbours never settled' },
    );
    // A resend of a neighbour (its batch retried after the failed write) would arrive within this window.
    await holdsFor(() => healthy.received.length <= 12, {
      forMs: 1_000,
      message: 'a neighbour was sent again',
    });
    expect(goodDeliveries).toHaveLength(12);
    expect(goodDeliveries.every((d) => d.status === 'succeeded' && d.attempts === 1)).toBe(true);
    const perDelivery = new Map<string, number>();
    for (const r of healthy.received) {
      const id = String(r.request.headers['webhook-id']);
      perDelivery.set(id, (perDelivery.get(id) ?? 0) + 1);
    }
    expect([...perDelivery.values()]).toEqual(Array(12).fill(1));
    expect(new Set(perDelivery.keys())).toEqual(new Set(goodDeliveries.map((d) => formatId('delivery', d.id))));
  });
});

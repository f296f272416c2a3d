import { newId } from '@wrenn/events';
import { startFakeWebhookReceiver, waitFor } from '@wrenn/testing';
import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

let pipeline: Pipeline | undefined;
let redis: Redis | undefined;
afterAll(async () => {
  redis?.disconnect();
  await pipeline?.close();
});

it('keeps the key names of earlier releases with one shard on a single Redis', async () => {
  pipeline = await createPipeline();
  const p = pipeline;
  redis = new Redis(p.redisUrl);
  const receiver = await startFakeWebhookReceiver();
  try {
    const team = newId('team').id;
    const channel = await p.createChannel({ teamId: team, config: { url: receiver.url }, events: ['host.down'] });
    p.startWorker();
    await p.audit.record([lifecycleEntry(team, 'host', 'marked_down')]);
    await waitFor(async () => (await p.deliveriesOf(channel.uuid))[0]?.status === 'succeeded');

    const keys = await redis.keys(`${p.queuePrefix}*`);
    // Jobs queued by a release before shards are still found where it put them.
    expect(keys).toContain(`${p.queuePrefix}:wrenn-events:meta`);
    expect(keys).toContain(`${p.queuePrefix}:wrenn-deliveries:meta`);
    const queueKeys = keys.filter((key) => /:wrenn-(events|deliveries):/.test(key));
    expect(queueKeys.length).toBeGreaterThan(2);
    for (const key of queueKeys) expect(key).toMatch(new RegExp(`^${p.queuePrefix}:wrenn-(events|deliveries):[^{}]+$`));
    // The service's own keys too (pacing state carries its destination's hash tag, as before).
    for (const key of keys) expect(key).toMatch(new RegExp(`^${p.queuePrefix}:(wrenn-events|wrenn-deliveries|wrenn):`));
  } finally {
    await receiver.close();
  }
});

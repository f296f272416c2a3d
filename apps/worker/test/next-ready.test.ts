import { newId, parseId } from '@wrenn/events';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nextReadyInMany } from '../src/delivery/mailbox';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
beforeAll(async () => {
  pipeline = await createPipeline();
});
afterAll(() => pipeline?.close());

/** A channel with two pending deliveries: the first (in ingest order) ready in 5 s, the second now. */
async function headWaiting(provider: 'slack' | 'webhook') {
  const team = newId('team').id;
  const config: Record<string, string> =
    provider === 'slack' ? { webhook_url: 'https://hooks.slack.com/services/T0/B0/x' } : { url: 'http://127.0.0.1:9/' };
  const channel = await pipeline.createChannel({ teamId: team, provider, config, events: ['capsule.created'] });
  const { eventIds } = await pipeline.audit.record([
    lifecycleEntry(team, 'sandbox', 'create'),
    lifecycleEntry(team, 'sandbox', 'create'),
  ]);
  await pipeline.db
    .insertInto('deliveries')
    .values(
      eventIds.map((eventId, i) => ({
        id: newId('delivery').uuid,
        event_id: parseId('event', eventId) as string,
        channel_id: channel.uuid,
        team_id: parseId('team', team) as string,
        event_type: 'capsule.created',
        ready_at: new Date(Date.now() + (i === 0 ? 5_000 : 0)),
      })),
    )
    .execute();
  return channel.uuid;
}

it("looks at a chat channel's first row in ingest order, and at a webhook channel's first ready row", async () => {
  const chat = await headWaiting('slack');
  const webhook = await headWaiting('webhook');
  const empty = (
    await pipeline.createChannel({ teamId: newId('team').id, config: { url: 'http://x/' }, events: ['*'] })
  ).uuid;
  const [chatWait, webhookWait, none] = await nextReadyInMany(pipeline.db, [chat, webhook, empty]);
  // The chat channel's later row cannot overtake the first: its drain waits for the first, not spins.
  expect(chatWait).toBeGreaterThan(4_000);
  expect(webhookWait).toBe(0);
  expect(none).toBeNull();
});

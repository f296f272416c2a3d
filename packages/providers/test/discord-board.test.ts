import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../../testing/src/fakes/discord';
import { destroyDiscordClients, discordProvider, renderDiscordBoardEmbeds } from '../src/discord';
import type { BoardInput, BoardOutcome, BoardResource, MessageRef } from '../src/provider';
import { capsuleBoard, capsuleStep, crowdedBoard } from './support/board-fixtures';
import { loopbackContext } from './support/loopback-context';

const TOKEN = 'Zt3-kq_9PXwYv2bLmN8rTq4sJ6hUcA1dEfGiHjKlMnOpQrStUvWxYz0123456789abcd';
const ID = 212233445566778899n;
const THREAD = '1234567890123456789';
const DASHBOARD = 'https://dash.wrenn.example/capsules/cl-7f3a9c';

const STEP_TITLES = ['Capsule created', 'Capsule resumed', 'Capsule paused', 'Capsule destroyed'];

function messageOf(outcome: BoardOutcome): MessageRef {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.message;
}

describe('discord boards', () => {
  let fake: FakeDiscord;
  let hookNumber = 0;
  // A fresh webhook id per test keeps discord.js's cached bucket state from leaking between tests.
  const nextConfig = (extra: Record<string, string> = {}) => {
    hookNumber += 1;
    return { webhook_url: `https://discord.com/api/webhooks/${ID + BigInt(hookNumber)}/${TOKEN}`, ...extra };
  };
  const sendBoard = (input: Omit<BoardInput, 'deliveryId'>) => {
    const send = discordProvider.sendBoard;
    if (!send) throw new Error('discord keeps one message per resource');
    return send({ deliveryId: 'dlv-board-1', ...input }, loopbackContext({ discordApiBase: fake.apiBase }));
  };

  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    destroyDiscordClients();
    await fake.close();
  });

  it('declares both styles', () => {
    expect(discordProvider.messageStyles).toEqual(['each', 'resource']);
  });

  it('posts with wait=true and answers the id of the message it posted', async () => {
    const outcome = await sendBoard({ config: nextConfig(), resources: [capsuleBoard(1)], previous: undefined });
    const ref = messageOf(outcome);
    expect(ref).toEqual({ message_id: expect.stringMatching(/^\d{17,20}$/) });
    expect(fake.received.at(-1)?.url).toMatch(/\/webhooks\/\d+\/[\w-]+\?wait=true$/);
    const posted = fake.message(ref.message_id!);
    expect(posted?.allowedMentions).toEqual({ parse: [] });
    expect(posted?.current.embeds[0]).toMatchObject({ title: 'Capsule cl-7f3a9c · created', color: 0x2ecc71 });
  });

  it('shows four events about one capsule in one message that ends destroyed, its steps in order', async () => {
    const config = nextConfig();
    const before = fake.messages.length;
    const ref = messageOf(await sendBoard({ config, resources: [capsuleBoard(1)], previous: undefined }));
    for (const count of [2, 3, 4]) {
      const outcome = await sendBoard({ config, resources: [capsuleBoard(count)], previous: ref });
      expect(messageOf(outcome)).toEqual(ref);
    }
    expect(fake.messages.length - before).toBe(1);
    const message = fake.message(ref.message_id!)!;
    expect(message.edits).toHaveLength(3);
    for (const edit of message.edits) expect(edit.allowed_mentions).toEqual({ parse: [] });
    const [embed] = message.current.embeds;
    expect(embed?.title).toBe('Capsule cl-7f3a9c · destroyed');
    expect(embed?.color).toBe(0xe74c3c);
    const lines = String(embed?.description).split('\n');
    expect(lines).toHaveLength(4);
    lines.forEach((line, i) => {
      expect(line).toContain(STEP_TITLES[i]);
      expect(line).toContain(`11:0${i}:00`);
    });
    const edit = fake.received.at(-1)!;
    expect(edit.method).toBe('PATCH');
    expect(edit.url).toMatch(new RegExp(`/webhooks/\\d+/[\\w-]+/messages/${ref.message_id}$`));
  });

  it('keeps a message in its thread: the ref names it and the edit goes there', async () => {
    const config = nextConfig({ thread_id: THREAD });
    const ref = messageOf(await sendBoard({ config, resources: [capsuleBoard(1)], previous: undefined }));
    expect(ref).toEqual({ message_id: expect.any(String), thread_id: THREAD });
    expect(messageOf(await sendBoard({ config, resources: [capsuleBoard(2)], previous: ref }))).toEqual(ref);
    expect(fake.received.at(-1)?.url).toContain(`/messages/${ref.message_id}?thread_id=${THREAD}`);
    expect(fake.message(ref.message_id!)?.current.embeds[0]?.title).toContain('running');
  });

  it('posts anew when the message was deleted (10008), and answers the new reference', async () => {
    const config = nextConfig();
    const ref = messageOf(await sendBoard({ config, resources: [capsuleBoard(1)], previous: undefined }));
    fake.deleteMessage(ref.message_id!);
    const outcome = await sendBoard({ config, resources: [capsuleBoard(2)], previous: ref });
    const fresh = messageOf(outcome);
    expect(fresh.message_id).not.toBe(ref.message_id);
    expect(fake.message(fresh.message_id!)?.current.embeds[0]?.title).toBe('Capsule cl-7f3a9c · running');
    expect(fake.received.slice(-2).map((r) => r.method)).toEqual(['PATCH', 'POST']);
  });

  it('posts anew when Discord refuses more edits to an old message (30046)', async () => {
    const config = nextConfig();
    const ref = messageOf(await sendBoard({ config, resources: [capsuleBoard(1)], previous: undefined }));
    fake.refuseEditsNext();
    const fresh = messageOf(await sendBoard({ config, resources: [capsuleBoard(2)], previous: ref }));
    expect(fresh.message_id).not.toBe(ref.message_id);
    expect(fake.message(ref.message_id!)?.edits).toHaveLength(0);
    expect(fake.message(fresh.message_id!)?.current.embeds[0]?.title).toContain('running');
  });

  it('answers a 429 on an edit with a retry after Retry-After, posting nothing', async () => {
    const config = nextConfig();
    const ref = messageOf(await sendBoard({ config, resources: [capsuleBoard(1)], previous: undefined }));
    const before = fake.messages.length;
    fake.rateLimitNext({ retryAfterSeconds: 2.5 });
    const outcome = await sendBoard({ config, resources: [capsuleBoard(2)], previous: ref });
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    if (outcome.kind !== 'retry') return;
    expect(outcome.retryAfterMs).toBeGreaterThanOrEqual(2_500);
    expect(outcome.retryAfterMs).toBeLessThanOrEqual(3_100);
    expect(fake.messages.length).toBe(before);
  });

  it('does not post anew when the webhook itself is gone: that is the destination, as for any send', async () => {
    const strict = await startFakeDiscord({ webhooks: [{ id: '998877665544332299', token: 'right-token' }] });
    try {
      const outcome = await discordProvider.sendBoard?.(
        {
          deliveryId: 'dlv-board-gone',
          config: { webhook_url: `https://discord.com/api/webhooks/998877665544332299/${TOKEN}` },
          resources: [capsuleBoard(2)],
          previous: { message_id: '1300000000000000001' },
        },
        loopbackContext({ discordApiBase: strict.apiBase }),
      );
      expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 401, cause: 'destination' });
      expect(strict.received).toHaveLength(1);
      expect(JSON.stringify(outcome)).not.toContain(TOKEN);
    } finally {
      await strict.close();
    }
  });

  it('fits a board of many resources with long histories: ten embeds, older lines as "N earlier events"', async () => {
    const resources = crowdedBoard(14, 40);
    const ref = messageOf(await sendBoard({ config: nextConfig(), resources, previous: undefined }));
    const embeds = fake.message(ref.message_id!)!.current.embeds;
    expect(embeds).toHaveLength(10);
    expect(String(embeds[0]?.description)).toMatch(/^\*\d+ earlier events\*/);
    expect(embeds[0]?.title).toBe('Capsule cl-000 · paused');
    expect(embeds[9]?.title).toBe('5 more resources');
    expect(String(embeds[9]?.description)).toContain('cl-013');
    expect(embeds[9]?.footer).toEqual({ text: 'Wrenn Channels · 14 capsules' });
  });

  it('links each resource to its dashboard page when its latest event has a url, and nothing otherwise', () => {
    const linked = capsuleBoard(2);
    linked.events[1] = capsuleStep(1, { resource: { type: 'sandbox', id: 'cl-7f3a9c', url: DASHBOARD } });
    const other: BoardResource = { ...capsuleBoard(1), id: 'cl-other' };
    other.events = [capsuleStep(0, { resource: { type: 'sandbox', id: 'cl-other' } })];
    const [withLink, withoutLink] = renderDiscordBoardEmbeds([linked, other]);
    expect(withLink?.url).toBe(DASHBOARD);
    expect(withoutLink).not.toHaveProperty('url');
  });
});

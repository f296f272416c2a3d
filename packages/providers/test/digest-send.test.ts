import { generateWebhookSecret } from '@wrenn/crypto';
import type { EventPayload } from '@wrenn/events';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeDiscord, startFakeDiscord } from '../../testing/src/fakes/discord';
import { type FakeGoogleChat, startFakeGoogleChat } from '../../testing/src/fakes/googlechat';
import { type FakeMatrix, startFakeMatrix } from '../../testing/src/fakes/matrix';
import { type FakeSlack, startFakeSlack } from '../../testing/src/fakes/slack';
import { type FakeTeams, startFakeTeams } from '../../testing/src/fakes/teams';
import { FAKE_TELEGRAM_TOKEN, type FakeTelegram, startFakeTelegram } from '../../testing/src/fakes/telegram';
import { type FakeWebhookReceiver, startFakeWebhookReceiver } from '../../testing/src/fakes/webhook';
import { destroyDiscordClients, rateHintOf } from '../src/discord';
import { transactionId } from '../src/matrix';
import type { ChannelConfig, SendBatchInput } from '../src/provider';
import { sendEvents } from '../src/send-event';
import { sampleEvent } from './support/chat-fixtures';
import { clockOf, digestEvents } from './support/digest-events';
import { loopbackContext } from './support/loopback-context';

/** Five events about two capsules, one second apart, as one channel's waiting deliveries. */
function fiveInputs(config: ChannelConfig): SendBatchInput {
  const types = [
    'capsule.created',
    'capsule.created',
    'capsule.paused',
    'capsule.running',
    'capsule.destroyed',
  ] as const;
  const items = types.map((type, i) => ({
    deliveryId: `dlv-${String(i).padStart(25, '0')}`,
    event: sampleEvent(type, {
      id: `evt-${i}`,
      timestamp: `2026-04-09T11:00:0${i}Z`,
      resource: { type: 'sandbox', id: i === 1 ? 'cl-other' : 'cl-7f3a9c' },
    }),
  }));
  return { config, items };
}

function hostileInputs(config: ChannelConfig, count: number): SendBatchInput {
  return { config, items: digestEvents(count).map((event: EventPayload, i) => ({ deliveryId: `dlv-h${i}`, event })) };
}

/** The same request with only its first event. */
function firstOf(input: SendBatchInput): SendBatchInput {
  return { ...input, items: input.items.slice(0, 1) };
}

/** The five events' lines (found by their clock times; the header's period names the first and last) are in order. */
function expectFiveInOrder(text: string): void {
  const at = ['11:00:00', '11:00:01', '11:00:02', '11:00:03', '11:00:04'].map((t) => text.lastIndexOf(t));
  expect(at.every((i) => i >= 0)).toBe(true);
  expect([...at].sort((a, b) => a - b)).toEqual(at);
}

describe('discord: combined messages and rate hints', () => {
  const TOKEN = 'Zt3-kq_9PXwYv2bLmN8rTq4sJ6hUcA1dEfGiHjKlMnOpQrStUvWxYz0123456789abcd';
  let fake: FakeDiscord;
  let hook = 0n;
  // A fresh webhook per test keeps discord.js's cached bucket state apart.
  const nextConfig = () => {
    hook += 1n;
    return { webhook_url: `https://discord.com/api/webhooks/${112233445566778899n + hook}/${TOKEN}` };
  };
  const context = () => loopbackContext({ discordApiBase: fake.apiBase });

  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    destroyDiscordClients();
    await fake.close();
  });

  it('posts five events in one request and reports the bucket Discord answered with', async () => {
    const before = fake.received.length;
    const sent = await sendEvents('discord', fiveInputs(nextConfig()), context());
    expect(sent.carried).toBe(5);
    expect(sent.outcome).toMatchObject({ kind: 'ok', statusCode: 200 });
    expect(fake.received.length - before).toBe(1);
    const message = fake.messages.at(-1)!;
    expect(message.allowedMentions).toEqual({ parse: [] });
    expect(message.embeds).toHaveLength(1);
    expect(message.embeds[0]?.title).toBe('5 events · team-42');
    expectFiveInOrder(String(message.embeds[0]?.description));
    if (sent.outcome.kind !== 'ok') return;
    const hint = sent.outcome.rateHint;
    expect(hint).toBeDefined();
    expect(hint?.remaining).toBeGreaterThanOrEqual(0);
    expect(hint?.remaining).toBeLessThan(5);
    expect(hint?.resetAfterMs).toBeGreaterThan(0);
    expect(hint?.resetAfterMs).toBeLessThanOrEqual(2_000);
  });

  it('a single event still goes out as the single embed, with a rate hint', async () => {
    const sent = await sendEvents('discord', firstOf(fiveInputs(nextConfig())), context());
    expect(sent.carried).toBe(1);
    expect(fake.messages.at(-1)?.embeds[0]).toMatchObject({ title: 'Capsule created' });
    expect(sent.outcome).toMatchObject({ kind: 'ok', rateHint: { remaining: expect.any(Number) } });
  });

  it('on a 429 reports an empty bucket until it resets, next to the retry delay', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 3.2 });
    const sent = await sendEvents('discord', fiveInputs(nextConfig()), context());
    expect(sent.outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    if (sent.outcome.kind !== 'retry') return;
    expect(sent.outcome.retryAfterMs).toBeGreaterThanOrEqual(3_200);
    expect(sent.outcome.rateHint).toEqual({ remaining: 0, resetAfterMs: 3_200 });
  });

  it('has no rate hint when the answer has no rate-limit headers', async () => {
    fake.cloudflareBlockNext();
    const sent = await sendEvents('discord', fiveInputs(nextConfig()), context());
    expect(sent.outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    expect(sent.outcome).not.toHaveProperty('rateHint');
  });

  it('reads the hint from the two headers only when both are well formed', () => {
    const headers = (entries: Record<string, string>) => new Headers(entries);
    expect(rateHintOf(headers({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset-after': '1.234' }))).toEqual({
      remaining: 3,
      resetAfterMs: 1_234,
    });
    expect(rateHintOf(headers({ 'x-ratelimit-remaining': '3' }))).toBeUndefined();
    expect(rateHintOf(headers({ 'x-ratelimit-remaining': 'x', 'x-ratelimit-reset-after': '1' }))).toBeUndefined();
    expect(rateHintOf(headers({ 'x-ratelimit-remaining': '-1', 'x-ratelimit-reset-after': '1' }))).toBeUndefined();
    expect(rateHintOf(undefined)).toBeUndefined();
  });

  it('200 hostile events: the fake accepts the longest prefix that fits', async () => {
    const sent = await sendEvents('discord', hostileInputs(nextConfig(), 200), context());
    expect(sent.outcome.kind).toBe('ok');
    expect(sent.carried).toBeGreaterThan(1);
    expect(sent.carried).toBeLessThan(200);
    expect(String(fake.messages.at(-1)?.embeds[0]?.description).split('\n')).toHaveLength(sent.carried);
  });
});

describe('slack: combined messages', () => {
  const HOOK = 'T0AB12CD3/B0EF45GH6/abcdefghijklmnopqrstuvwx';
  const config = { webhook_url: `https://hooks.slack.com/services/${HOOK}` };
  let fake: FakeSlack;
  const context = () => loopbackContext({ slackApiBase: fake.origin });
  beforeAll(async () => {
    fake = await startFakeSlack({ hooks: [HOOK] });
  });
  afterAll(() => fake.close());

  it('posts five events in one request', async () => {
    const sent = await sendEvents('slack', fiveInputs(config), context());
    expect(sent).toEqual({ outcome: { kind: 'ok', statusCode: 200 }, carried: 5 });
    expect(fake.received).toHaveLength(1);
    expectFiveInOrder(JSON.stringify(fake.messages[0]?.body.blocks));
  });

  it('200 hostile events: the fake accepts the longest prefix that fits', async () => {
    const sent = await sendEvents('slack', hostileInputs(config, 200), context());
    expect(sent.outcome.kind).toBe('ok');
    expect(sent.carried).toBeGreaterThan(1);
    expect(sent.carried).toBeLessThan(200);
  });
});

describe('teams: combined messages', () => {
  const SIG = 'Qm7xR2pLk9Tz4WvB8nC1dE6fG3hJ5sA0uY';
  const config = {
    webhook_url: `https://prod-12.westeurope.logic.azure.com/workflows/8c7f2d9e4b1a4c6f9e2d7b3a5c8f1e0d/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`,
  };
  let fake: FakeTeams;
  const context = () => loopbackContext({ teamsApiBase: fake.origin });
  beforeAll(async () => {
    fake = await startFakeTeams({ sig: SIG });
  });
  afterAll(() => fake.close());

  it('posts five events in one request and the flow posts the card', async () => {
    const sent = await sendEvents('teams', fiveInputs(config), context());
    expect(sent).toEqual({ outcome: { kind: 'ok', statusCode: 202 }, carried: 5 });
    expect(fake.received).toHaveLength(1);
    expect(fake.flowRuns.at(-1)?.status).toBe('Succeeded');
    expectFiveInOrder(JSON.stringify(fake.messages[0]?.body));
  });

  it('200 hostile events: the flow posts the longest prefix that fits', async () => {
    const sent = await sendEvents('teams', hostileInputs(config, 200), context());
    expect(sent.outcome.kind).toBe('ok');
    expect(sent.carried).toBeGreaterThan(1);
    expect(sent.carried).toBeLessThan(200);
    expect(fake.flowRuns.at(-1)?.status).toBe('Succeeded');
  });
});

describe('google chat: combined messages', () => {
  const SPACE = 'AAAAq1w2e3r';
  const TOKEN = 'Vb9Xq2LmP7nR4tW8yZ1cK5dF3gH6jS0aE2uI4oQ7=';
  const config = {
    webhook_url: `https://chat.googleapis.com/v1/spaces/${SPACE}/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=${encodeURIComponent(TOKEN)}`,
  };
  let fake: FakeGoogleChat;
  const context = () => loopbackContext({ googleChatApiBase: fake.origin });
  beforeAll(async () => {
    fake = await startFakeGoogleChat({ spaces: { [SPACE]: TOKEN } });
  });
  afterAll(() => fake.close());

  it('posts five events in one request', async () => {
    const sent = await sendEvents('googlechat', fiveInputs(config), context());
    expect(sent).toEqual({ outcome: { kind: 'ok', statusCode: 200 }, carried: 5 });
    expect(fake.received).toHaveLength(1);
    expectFiveInOrder(JSON.stringify(fake.messages[0]));
  });

  it('200 hostile events: the fake accepts the longest prefix that fits', async () => {
    const sent = await sendEvents('googlechat', hostileInputs(config, 200), context());
    expect(sent.outcome.kind).toBe('ok');
    expect(sent.carried).toBeGreaterThan(1);
    expect(sent.carried).toBeLessThan(200);
  });
});

describe('telegram: combined messages', () => {
  let fake: FakeTelegram;
  let context: ReturnType<typeof loopbackContext>;
  const config = { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '-1001234567890' };
  beforeEach(async () => {
    fake = await startFakeTelegram();
    context = loopbackContext({ telegramApiBase: fake.origin });
  });
  afterEach(async () => {
    await context.close();
    await fake.close();
  });

  it('sends five events in one sendMessage', async () => {
    const sent = await sendEvents('telegram', fiveInputs(config), context);
    expect(sent).toEqual({ outcome: { kind: 'ok', statusCode: 200 }, carried: 5 });
    expect(fake.received).toHaveLength(1);
    const [message] = fake.messages;
    expect(message?.text.startsWith('🔴 5 events · team-42')).toBe(true);
    expect(message?.text).toContain('cl-7f3a9c: destroyed (was running · 4 events)');
    expectFiveInOrder(message?.text ?? '');
  });

  it('200 hostile events: Telegram parses the longest prefix that fits, without a mention', async () => {
    const sent = await sendEvents('telegram', hostileInputs(config, 200), context);
    expect(sent.outcome.kind).toBe('ok');
    expect(sent.carried).toBeGreaterThan(1);
    expect(sent.carried).toBeLessThan(200);
    const [message] = fake.messages;
    expect(message?.text.length).toBeLessThanOrEqual(4096);
    expect(message?.entities.some((e) => e.type === 'mention')).toBe(false);
    expect(message?.text).toContain(clockOf(sent.carried - 1));
    expect(message?.text).not.toContain(clockOf(sent.carried));
  });
});

describe('matrix: combined messages', () => {
  let fake: FakeMatrix;
  let config: ChannelConfig;
  let context: ReturnType<typeof loopbackContext>;
  beforeEach(async () => {
    fake = await startFakeMatrix();
    const owner = fake.registerUser('owner');
    const roomId = fake.createRoom(owner.accessToken, { alias: 'ops' });
    const bot = fake.registerUser('wrenn-bot');
    fake.joinRoom(bot.accessToken, roomId);
    config = { homeserver_url: fake.origin, access_token: bot.accessToken, room_id: roomId };
    context = loopbackContext({ timeoutMs: 2_000 });
  });
  afterEach(async () => {
    await context.close();
    await fake.close();
  });

  it('sends five events as one notice whose transaction id comes from the carried deliveries', async () => {
    const inputs = fiveInputs(config);
    const sent = await sendEvents('matrix', inputs, context);
    expect(sent).toEqual({ outcome: { kind: 'ok', statusCode: 200 }, carried: 5 });
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]?.txnId).toBe(transactionId(inputs.items));
    expectFiveInOrder(String(fake.messages[0]?.content.body));
  });

  it('a retry of the same set never posts twice', async () => {
    const inputs = fiveInputs(config);
    await sendEvents('matrix', inputs, context);
    expect(await sendEvents('matrix', inputs, context)).toMatchObject({ outcome: { kind: 'ok' }, carried: 5 });
    expect(fake.received).toHaveLength(2);
    expect(fake.messages).toHaveLength(1);
    await sendEvents('matrix', { ...inputs, items: inputs.items.slice(0, 4) }, context);
    expect(fake.messages).toHaveLength(2);
  });

  it('a single event keeps its delivery id as transaction id', async () => {
    const inputs = firstOf(fiveInputs(config));
    await sendEvents('matrix', inputs, context);
    expect(fake.messages[0]?.txnId).toBe(inputs.items[0]?.deliveryId);
  });
});

describe('webhook: one event per request', () => {
  let receiver: FakeWebhookReceiver;
  afterEach(() => receiver.close());

  it('carries exactly one event, signed as its own delivery', async () => {
    const secret = generateWebhookSecret();
    receiver = await startFakeWebhookReceiver({ secret });
    const context = loopbackContext();
    const inputs = fiveInputs({ url: receiver.url, secret });
    const sent = await sendEvents('webhook', inputs, context);
    await context.close();
    expect(sent).toEqual({ outcome: { kind: 'ok', statusCode: 200 }, carried: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.request.headers['webhook-id']).toBe(inputs.items[0]?.deliveryId);
    expect(receiver.received[0]?.signatures?.standard).toBe(true);
  });
});

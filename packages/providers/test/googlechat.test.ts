import { EVENT_TYPES } from '@wrenn/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeGoogleChat,
  GOOGLE_CHAT_FAKE_MAX_BYTES,
  startFakeGoogleChat,
} from '../../testing/src/fakes/googlechat';
import { type GoogleChatMessage, googleChatProvider, renderGoogleChatMessage, threadKeyFor } from '../src/googlechat';
import type { SendOutcome } from '../src/provider';
import { EXPECTED_TEXT, hostileEvent, oversizedEvent, sampleEvent } from './support/chat-fixtures';
import { loopbackContext, testSettings } from './support/loopback-context';

const SETTINGS = testSettings();

const KEY = 'AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI';
const TOKEN = 'Vb9Xq2LmP7nR4tW8yZ1cK5dF3gH6jS0aE2uI4oQ7=';
const SPACE = 'AAAAq1w2e3r';
const URL_ = `https://chat.googleapis.com/v1/spaces/${SPACE}/messages?key=${KEY}&token=${encodeURIComponent(TOKEN)}`;

function reasonOf(outcome: SendOutcome): string {
  return outcome.kind === 'ok' ? '' : outcome.reason;
}

type Widget = { textParagraph?: { text: string }; decoratedText?: { topLabel: string; text: string } };
const widgetsOf = (message: GoogleChatMessage) => (message.cardsV2[0]?.card?.sections?.[0]?.widgets ?? []) as Widget[];
const cardTexts = (message: GoogleChatMessage) =>
  widgetsOf(message)
    .flatMap((w) => [w.textParagraph?.text, w.decoratedText?.topLabel, w.decoratedText?.text])
    .filter((t): t is string => t !== undefined);

describe('google chat config', () => {
  it.each([URL_, `${URL_}&messageReplyOption=REPLY_MESSAGE_OR_FAIL`])('accepts %s', (url) => {
    expect(googleChatProvider.validateConfig({ webhook_url: url }, SETTINGS)).toEqual({
      ok: true,
      config: { webhook_url: expect.stringContaining(`/v1/spaces/${SPACE}/messages?key=`) },
    });
  });

  it('keeps only key and token in the normalised URL', () => {
    expect(
      googleChatProvider.validateConfig(
        {
          webhook_url: `${URL_}&threadKey=abc&messageReplyOption=REPLY_MESSAGE_OR_FAIL`,
        },
        SETTINGS,
      ),
    ).toEqual({
      ok: true,
      config: { webhook_url: URL_ },
    });
  });

  it.each([
    ['nope', 'is not a URL'],
    [URL_.replace('https:', 'ftp:'), 'must start with https://'],
    [URL_.replace('https:', 'http:'), 'https is required'],
    [URL_.replace('chat.googleapis.com', 'chat.googleapis.com.evil.example'), 'must be on chat.googleapis.com'],
    [URL_.replace('/messages', '/members'), 'is not a space webhook URL'],
    [URL_.replace(`&token=${encodeURIComponent(TOKEN)}`, ''), 'both its key and token'],
    [URL_.replace(`key=${KEY}&`, ''), 'both its key and token'],
    [`${URL_}\nsecond line`, 'must not contain spaces'],
  ])('rejects %s', (url, message) => {
    const check = googleChatProvider.validateConfig({ webhook_url: url }, SETTINGS);
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining(message) });
    if (!check.ok) {
      expect(check.message).not.toContain(KEY);
      expect(check.message).not.toContain(TOKEN.slice(0, 20));
    }
  });

  it("is a user-supplied target unless the operator's Google Chat API base replaces its origin", () => {
    expect(googleChatProvider.userTargets({ webhook_url: URL_ }, SETTINGS)).toEqual([URL_]);
    expect(
      googleChatProvider.userTargets(
        { webhook_url: URL_ },
        { ...SETTINGS, googleChatApiBase: 'https://proxy.example' },
      ),
    ).toEqual([]);
  });
});

describe('google chat render', () => {
  it('renders capsule.created', () => {
    expect(renderGoogleChatMessage(sampleEvent('capsule.created'))).toMatchInlineSnapshot(`
      {
        "cardsV2": [
          {
            "card": {
              "header": {
                "subtitle": "Wrenn Channels · capsule.created · 2026-04-09T11:06:06Z",
                "title": "Capsule created",
              },
              "sections": [
                {
                  "widgets": [
                    {
                      "textParagraph": {
                        "text": "<font color="#2ECC71">●</font> Capsule cl-7f3a9c was created by Ada (usr-9).",
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "cl-7f3a9c",
                        "topLabel": "Capsule",
                        "wrapText": true,
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "Ada (usr-9)",
                        "topLabel": "Actor",
                        "wrapText": true,
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "team-42",
                        "topLabel": "Team",
                        "wrapText": true,
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "2026-04-09T11:06:06Z",
                        "topLabel": "Time",
                        "wrapText": true,
                      },
                    },
                    {
                      "decoratedText": {
                        "text": "python-3.12",
                        "topLabel": "template",
                        "wrapText": true,
                      },
                    },
                  ],
                },
              ],
            },
            "cardId": "wrenn-evt-0001",
          },
        ],
        "text": "Capsule cl-7f3a9c was created by Ada (usr-9).",
        "thread": {
          "threadKey": "wrenn-sandbox-cl-7f3a9c",
        },
      }
    `);
  });

  it.each(EVENT_TYPES)('renders %s: header, coloured summary, facts, thread key', (type) => {
    const event = sampleEvent(type);
    const message = renderGoogleChatMessage(event);
    const expected = EXPECTED_TEXT[type];
    expect(message.text).toBe(expected.summary);
    expect(message.cardsV2[0]?.card?.header).toEqual({
      title: expected.title,
      subtitle: `Wrenn Channels · ${type} · 2026-04-09T11:06:06Z`,
    });
    const color = { good: '#2ECC71', warning: '#F1C40F', attention: '#E74C3C' }[expected.severity];
    expect(widgetsOf(message)[0]).toEqual({
      textParagraph: { text: `<font color="${color}">●</font> ${expected.summary}` },
    });
    expect(widgetsOf(message)).toContainEqual({
      decoratedText: { topLabel: 'Time', text: '2026-04-09T11:06:06Z', wrapText: true },
    });
    expect(message.thread).toEqual({ threadKey: `wrenn-${event.resource.type}-${event.resource.id}` });
  });

  it('keeps the byte, widget and thread-key limits for oversized input', () => {
    const message = renderGoogleChatMessage(oversizedEvent());
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(GOOGLE_CHAT_FAKE_MAX_BYTES);
    const widgets = widgetsOf(message);
    expect(widgets.length).toBeLessThanOrEqual(100);
    expect(widgets.slice(1, 5).map((w) => w.decoratedText?.topLabel)).toEqual(['Capsule', 'Actor', 'Team', 'Time']);
    expect(widgets.at(-1)?.textParagraph?.text).toMatch(/^<i>\d+ more details not shown<\/i>$/);
    expect(message.thread?.threadKey.length).toBeLessThanOrEqual(4000);
    expect(message.text.length).toBeLessThanOrEqual(1000);
  });

  it('hashes thread keys that would be too long, so different resources stay apart', () => {
    const a = threadKeyFor(sampleEvent('host.up', { resource: { type: 'host', id: `${'h'.repeat(5000)}a` } }));
    const b = threadKeyFor(sampleEvent('host.up', { resource: { type: 'host', id: `${'h'.repeat(5000)}b` } }));
    expect(a.length).toBe(4000);
    expect(a).not.toBe(b);
  });

  it('escapes & < > in card text and in the message text, which disarms <users/all>', () => {
    const hostile = '<users/all> <b>x</b> <a href="https://evil.example">click</a> @everyone <!channel> & *bold*';
    const message = renderGoogleChatMessage(hostileEvent(hostile));
    const escaped =
      '&lt;users/all&gt; &lt;b&gt;x&lt;/b&gt; &lt;a href="https://evil.example"&gt;click&lt;/a&gt; @everyone &lt;!channel&gt; &amp; *bold*';
    expect(message.text).toContain(escaped);
    expect(widgetsOf(message)[1]).toEqual({ decoratedText: { topLabel: 'Capsule', text: escaped, wrapText: true } });
    for (const text of [message.text, ...cardTexts(message)]) {
      expect(text.replace(/<font color="#[0-9A-F]{6}">●<\/font>/, '')).not.toMatch(/[<>]/);
    }
  });

  it('never renders an empty label or value', () => {
    const message = renderGoogleChatMessage(sampleEvent('capsule.created', { metadata: { '': ' ' } }));
    expect(widgetsOf(message).at(-1)).toEqual({ decoratedText: { topLabel: '(unnamed)', text: '—', wrapText: true } });
  });
});

describe('google chat send', () => {
  let fake: FakeGoogleChat;
  const context = (timeoutMs = 2_000) => loopbackContext({ googleChatApiBase: fake.origin, timeoutMs });
  const send = (event = sampleEvent('capsule.created'), timeoutMs?: number, url = URL_) =>
    googleChatProvider.send({ deliveryId: 'dlv-1', event, config: { webhook_url: url } }, context(timeoutMs));

  beforeAll(async () => {
    fake = await startFakeGoogleChat({ spaces: { [SPACE]: TOKEN } });
  });
  afterAll(() => fake.close());

  it('posts to the space with the reply option, and keeps one thread per resource', async () => {
    expect(await send(sampleEvent('capsule.created'))).toEqual({ kind: 'ok', statusCode: 200 });
    expect(await send(sampleEvent('capsule.paused'))).toEqual({ kind: 'ok', statusCode: 200 });
    expect(await send(sampleEvent('host.down'))).toEqual({ kind: 'ok', statusCode: 200 });
    const request = fake.received.at(-1)!;
    expect(request.url).toBe(
      `/v1/spaces/${SPACE}/messages?key=${KEY}&token=${encodeURIComponent(TOKEN)}&messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`,
    );
    const [capsule, paused, host] = fake.messages.slice(-3);
    expect(capsule?.threadName).toBe(paused?.threadName);
    expect(host?.threadName).not.toBe(capsule?.threadName);
    expect(
      fake
        .threads()
        .get(capsule!.threadName)
        ?.map((m) => m.threadKey),
    ).toEqual(['wrenn-sandbox-cl-7f3a9c', 'wrenn-sandbox-cl-7f3a9c']);
  });

  it('delivers the oversized event under the 32,000-byte limit', async () => {
    expect(await send(oversizedEvent())).toEqual({ kind: 'ok', statusCode: 200 });
  });

  it('maps 429 RESOURCE_EXHAUSTED to a retry, honouring Retry-After when present', async () => {
    fake.rateLimitNext(9);
    expect(await send()).toMatchObject({
      kind: 'retry',
      statusCode: 429,
      retryAfterMs: 9_000,
      reason: expect.stringMatching(/^Google Chat 429: RESOURCE_EXHAUSTED: Quota exceeded/),
    });
    fake.rateLimitNext();
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  it('maps a wrong token (401) to a permanent failure without the credentials', async () => {
    const outcome = await send(undefined, undefined, URL_.replace(encodeURIComponent(TOKEN), 'wrong-token'));
    expect(outcome).toMatchObject({
      kind: 'permanent',
      statusCode: 401,
      reason: expect.stringMatching(/^Google Chat 401: UNAUTHENTICATED: Request had invalid/),
      cause: 'destination',
    });
  });

  it('maps an unknown space (404) to a permanent failure', async () => {
    const outcome = await send(undefined, undefined, URL_.replace(SPACE, 'AAAAgone'));
    expect(outcome).toEqual({
      kind: 'permanent',
      statusCode: 404,
      reason: 'Google Chat 404: NOT_FOUND: Requested entity was not found.',
      cause: 'destination',
    });
  });

  it.each([
    [400, 'message'],
    [403, 'destination'],
  ])('maps %i to a permanent failure caused by the %s', async (status, cause) => {
    fake.failNext({
      status,
      body: {
        error: { code: status, message: 'bad', status: status === 400 ? 'INVALID_ARGUMENT' : 'PERMISSION_DENIED' },
      },
    });
    expect(await send()).toMatchObject({ kind: 'permanent', statusCode: status, cause });
  });

  it.each([500, 503])('maps %i to a retry', async (status) => {
    fake.failNext({
      status,
      body: { error: { code: status, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } },
    });
    expect(await send()).toEqual({
      kind: 'retry',
      statusCode: status,
      reason: `Google Chat ${status}: UNAVAILABLE: The service is currently unavailable.`,
    });
  });

  it('maps a timeout to a retry', async () => {
    fake.hangNext();
    expect(await send(undefined, 300)).toMatchObject({
      kind: 'retry',
      statusCode: null,
      reason: expect.stringContaining('no answer'),
    });
  });

  it('maps a refused connection to a retry', async () => {
    const gone = await startFakeGoogleChat();
    await gone.close();
    const outcome = await googleChatProvider.send(
      { deliveryId: 'dlv-2', event: sampleEvent('host.up'), config: { webhook_url: URL_ } },
      loopbackContext({ googleChatApiBase: gone.origin }),
    );
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: null, reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('never puts the key or token in a reason', async () => {
    fake.failNext({
      status: 403,
      body: {
        error: { code: 403, message: `key ${KEY} token ${TOKEN} refused for ${URL_}`, status: 'PERMISSION_DENIED' },
      },
    });
    fake.failNext({ status: 502, body: `<html>bad gateway ${URL_}</html>` });
    const outcomes = [await send(), await send()];
    expect(outcomes.map((o) => o.kind)).toEqual(['permanent', 'retry']);
    for (const outcome of outcomes) {
      expect(reasonOf(outcome)).not.toContain(KEY);
      expect(reasonOf(outcome)).not.toContain(TOKEN);
      expect(reasonOf(outcome)).not.toContain(encodeURIComponent(TOKEN));
    }
  });

  it('the fake refuses bodies above 32,000 bytes', async () => {
    const response = await fetch(
      `${fake.origin}/v1/spaces/${SPACE}/messages?key=k&token=${encodeURIComponent(TOKEN)}`,
      {
        method: 'POST',
        body: JSON.stringify({ text: 'x'.repeat(32_001) }),
      },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
  });
});

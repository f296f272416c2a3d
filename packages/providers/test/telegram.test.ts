import { EVENT_TYPES } from '@wrenn/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TELEGRAM_TOKEN, type FakeTelegram, startFakeTelegram } from '../../testing/src/fakes/telegram';
import { parseTelegramHtml } from '../../testing/src/fakes/telegram-html';
import type { ChannelConfig, SendOutcome } from '../src/provider';
import { telegramProvider } from '../src/telegram';
import { renderTelegramMessage, renderTelegramText, TELEGRAM_TEXT_LIMIT } from '../src/telegram/render';
import { loopbackContext, testSettings } from './support/loopback-context';
import { hostileEvent, hugeEvent, sampleEvent } from './support/sample-events';

const SETTINGS = testSettings();

const CHAT = '-1001234567890';
const DELIVERY = 'dlv-000000000000000000000d002';

/** What a Telegram reader sees, parsed by the fake's independent HTML parser. */
function visible(html: string) {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed;
}

function reasonOf(outcome: SendOutcome): string {
  return outcome.kind === 'ok' ? '' : outcome.reason;
}

describe('telegram config', () => {
  it('accepts numeric chat ids, channel usernames and a topic', () => {
    for (const chat_id of ['-1001234567890', '-123456', '42424242', '@wrenn_status']) {
      expect(telegramProvider.validateConfig({ bot_token: FAKE_TELEGRAM_TOKEN, chat_id }, SETTINGS).ok).toBe(true);
    }
    expect(
      telegramProvider.validateConfig(
        { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: CHAT, message_thread_id: '17' },
        SETTINGS,
      ),
    ).toEqual({ ok: true, config: { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: CHAT, message_thread_id: '17' } });
  });

  it.each<ChannelConfig>([
    { bot_token: '123:short', chat_id: CHAT },
    { bot_token: `${FAKE_TELEGRAM_TOKEN}x`, chat_id: CHAT },
    { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: 'general' },
    { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '@ab' },
    { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '1.5' },
    { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '99999999999999999999' },
    { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: CHAT, message_thread_id: '0' },
    { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: CHAT, message_thread_id: '-3' },
  ])('refuses %o without echoing the token', (config) => {
    const check = telegramProvider.validateConfig(config, SETTINGS);
    expect(check.ok).toBe(false);
    expect(JSON.stringify(check)).not.toContain(FAKE_TELEGRAM_TOKEN.split(':')[1]);
  });

  it('has no user-supplied target', () => {
    expect(telegramProvider.userTargets({ bot_token: FAKE_TELEGRAM_TOKEN, chat_id: CHAT }, SETTINGS)).toEqual([]);
  });
});

describe('telegram render', () => {
  it('renders every event as Telegram HTML', () => {
    const texts = Object.fromEntries(EVENT_TYPES.map((type) => [type, renderTelegramText(sampleEvent(type))]));
    expect(texts).toMatchInlineSnapshot(`
      {
        "capsule.created": "🟢 <b>Capsule created</b>
      Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was created by Ada (usr-0000000000000000000000ada).

      <b>Capsule:</b> <code>cl-0a1b2c3d4e5f6g7h8i9j0k1l2</code>
      <b>Actor:</b> Ada (usr-0000000000000000000000ada)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z
      <b>template:</b> python-3.12",
        "capsule.destroyed": "🔴 <b>Capsule destroyed</b>
      Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was destroyed by Ada (usr-0000000000000000000000ada).

      <b>Capsule:</b> <code>cl-0a1b2c3d4e5f6g7h8i9j0k1l2</code>
      <b>Actor:</b> Ada (usr-0000000000000000000000ada)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z",
        "capsule.paused": "🟡 <b>Capsule paused</b>
      Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was paused.

      <b>Capsule:</b> <code>cl-0a1b2c3d4e5f6g7h8i9j0k1l2</code>
      <b>Actor:</b> Wrenn (system)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z
      <b>reason:</b> idle",
        "capsule.running": "🟢 <b>Capsule resumed</b>
      Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was resumed by Ada (usr-0000000000000000000000ada).

      <b>Capsule:</b> <code>cl-0a1b2c3d4e5f6g7h8i9j0k1l2</code>
      <b>Actor:</b> Ada (usr-0000000000000000000000ada)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z",
        "channel.disabled": "🔴 <b>Channel disabled</b>
      Channel ch-000000000000000000000000c1 was disabled.

      <b>Channel:</b> <code>ch-000000000000000000000000c1</code>
      <b>Actor:</b> Wrenn (system)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z
      <b>name:</b> ops-slack
      <b>provider:</b> slack
      <b>reason:</b> the destination is gone: HTTP 404",
        "host.down": "🔴 <b>Host is down</b>
      Host host-00000000000000000000000h1 is unreachable.

      <b>Host:</b> <code>host-00000000000000000000000h1</code>
      <b>Actor:</b> Wrenn (system)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z
      <b>region:</b> eu-west
      <b>last_seen:</b> 2026-04-09T11:05:00Z",
        "host.up": "🟢 <b>Host is up</b>
      Host host-00000000000000000000000h1 is back online.

      <b>Host:</b> <code>host-00000000000000000000000h1</code>
      <b>Actor:</b> Wrenn (system)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z
      <b>region:</b> eu-west",
        "template.snapshot.created": "🟢 <b>Template snapshot created</b>
      Snapshot snap-00000000000000000000000s1 was created by Ada (usr-0000000000000000000000ada).

      <b>Snapshot:</b> <code>snap-00000000000000000000000s1</code>
      <b>Actor:</b> Ada (usr-0000000000000000000000ada)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z
      <b>template:</b> node-22",
        "template.snapshot.deleted": "🟡 <b>Template snapshot deleted</b>
      Snapshot snap-00000000000000000000000s1 was deleted by Ada (usr-0000000000000000000000ada).

      <b>Snapshot:</b> <code>snap-00000000000000000000000s1</code>
      <b>Actor:</b> Ada (usr-0000000000000000000000ada)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z",
      }
    `);
  });

  it('builds the sendMessage body', () => {
    expect(
      renderTelegramMessage(sampleEvent('host.down'), { chatId: -1001234567890, messageThreadId: 17 }),
    ).toMatchInlineSnapshot(`
        {
          "chat_id": -1001234567890,
          "link_preview_options": {
            "is_disabled": true,
          },
          "message_thread_id": 17,
          "parse_mode": "HTML",
          "text": "🔴 <b>Host is down</b>
        Host host-00000000000000000000000h1 is unreachable.

        <b>Host:</b> <code>host-00000000000000000000000h1</code>
        <b>Actor:</b> Wrenn (system)
        <b>Team:</b> <code>team-00000000000000000000team1</code>
        <b>Time:</b> 2026-04-09T11:06:06Z
        <b>region:</b> eu-west
        <b>last_seen:</b> 2026-04-09T11:05:00Z",
        }
      `);
    expect(renderTelegramMessage(sampleEvent('host.up'), { chatId: '@wrenn_status' })).not.toHaveProperty(
      'message_thread_id',
    );
  });

  it('escapes markup, entities and mentions in untrusted text', () => {
    const html = renderTelegramText(hostileEvent());
    expect(html).toMatchInlineSnapshot(`
      "🟢 <b>Capsule created</b>
      Capsule &lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot;  was created by &lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot;  (usr-0000000000000000000000ada).

      <b>Capsule:</b> <code>&lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot; </code>
      <b>Actor:</b> &lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot;  (usr-0000000000000000000000ada)
      <b>Team:</b> <code>team-00000000000000000000team1</code>
      <b>Time:</b> 2026-04-09T11:06:06Z
      <b>&lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https…:</b> &lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot; "
    `);
    const { text, entities } = visible(html);
    expect(text).toContain('<b>x</b>');
    expect(text).toContain('<!channel> <users/all> *bold* _it_ [a](https://evil.example) & "q"');
    // Only our own bold labels and code ids: nothing from the event became markup.
    expect(entities.every((e) => e.type === 'bold' || e.type === 'code')).toBe(true);
    expect(text).not.toMatch(/@(everyone|here|room)/);
    expect(text).toContain('@\u2060everyone');
    expect(text).not.toContain('\u202e');
  });

  it('keeps a 10,000-character name and metadata value within 4096 visible characters', () => {
    const html = renderTelegramText(hugeEvent());
    const { text } = visible(html);
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(text).toContain('xxx…');
    expect(text).toContain('Capsule created');
  });

  it('shrinks many long, escape-heavy values until the visible text fits', () => {
    const metadata = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`key${i}`, '&<>"'.repeat(500)]));
    const html = renderTelegramText({ ...sampleEvent('capsule.created'), metadata });
    const { text } = visible(html);
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(text).toMatch(/… and \d+ more$/);
  });

  it('never splits a surrogate pair when truncating', () => {
    const html = renderTelegramText({ ...sampleEvent('capsule.created'), metadata: { emoji: '😀'.repeat(5000) } });
    expect(html).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(visible(html).text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
  });
});

describe('telegram send', () => {
  let fake: FakeTelegram;
  let context: ReturnType<typeof loopbackContext>;
  const config: ChannelConfig = { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: CHAT };

  beforeEach(async () => {
    fake = await startFakeTelegram();
    context = loopbackContext({ telegramApiBase: fake.origin, timeoutMs: 500 });
  });
  afterEach(async () => {
    await context.close();
    await fake.close();
  });

  const send = (event = sampleEvent('capsule.created'), cfg: ChannelConfig = config) =>
    telegramProvider.send({ deliveryId: DELIVERY, event, config: cfg }, context);

  it('posts sendMessage with HTML and no link preview', async () => {
    expect(await send()).toEqual({ kind: 'ok', statusCode: 200 });
    const [request] = fake.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe(`/bot${FAKE_TELEGRAM_TOKEN}/sendMessage`);
    expect(request?.headers['content-type']).toBe('application/json');
    const [message] = fake.messages;
    expect(message?.chatId).toBe(-1001234567890);
    expect(message?.parseMode).toBe('HTML');
    expect(message?.body.link_preview_options).toEqual({ is_disabled: true });
    expect(message?.text.startsWith('🟢 Capsule created\n')).toBe(true);
    expect(message?.entities.some((e) => e.type === 'bold')).toBe(true);
  });

  it('posts to a channel username and a forum topic', async () => {
    fake.addChat({ id: -1005555, type: 'supergroup', topics: [17] });
    expect(await send(undefined, { ...config, chat_id: '@wrenn_status' })).toMatchObject({ kind: 'ok' });
    expect(await send(undefined, { ...config, chat_id: '-1005555', message_thread_id: '17' })).toMatchObject({
      kind: 'ok',
    });
    expect(fake.messages.map((m) => [m.chatId, m.messageThreadId])).toEqual([
      [-1009876543210, undefined],
      [-1005555, 17],
    ]);
    expect(await send(undefined, { ...config, chat_id: '-1005555', message_thread_id: '18' })).toMatchObject({
      kind: 'permanent',
      reason: 'Telegram 400: Bad Request: message thread not found',
      cause: 'destination',
    });
  });

  it('delivers hostile and huge events that the API accepts', async () => {
    expect(await send(hostileEvent())).toMatchObject({ kind: 'ok' });
    expect(await send(hugeEvent())).toMatchObject({ kind: 'ok' });
    expect(fake.messages[0]?.entities.some((e) => e.type === 'mention')).toBe(false);
    expect(fake.messages[1]?.text.length).toBeLessThanOrEqual(4096);
  });

  it('waits for parameters.retry_after on 429', async () => {
    fake.rateLimitNext(35);
    expect(await send()).toEqual({
      kind: 'retry',
      statusCode: 429,
      reason: 'Telegram 429: Too Many Requests: retry after 35',
      retryAfterMs: 35_000,
    });
  });

  it('follows a group that became a supergroup and reports the new chat id', async () => {
    fake.addChat({ id: -4242, type: 'group' });
    fake.migrateChat(-4242, -1004242);
    const outcome = await send(undefined, { ...config, chat_id: '-4242' });
    expect(outcome).toEqual({
      kind: 'ok',
      statusCode: 200,
      configUpdate: { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '-1004242' },
    });
    expect(fake.received).toHaveLength(2);
    expect(fake.messages.map((m) => m.chatId)).toEqual([-1004242]);
  });

  it('returns the resend failure when the migrated chat refuses the bot', async () => {
    fake.addChat({ id: -4343, type: 'group' });
    fake.migrateChat(-4343, -1004343);
    fake.forbidChat(-1004343);
    expect(await send(undefined, { ...config, chat_id: '-4343' })).toEqual({
      kind: 'permanent',
      statusCode: 403,
      reason: 'Telegram 403: Forbidden: bot was kicked from the group chat',
      cause: 'destination',
    });
  });

  it('gives up on an unknown chat', async () => {
    expect(await send(undefined, { ...config, chat_id: '-100999' })).toEqual({
      kind: 'permanent',
      statusCode: 400,
      reason: 'Telegram 400: Bad Request: chat not found',
      cause: 'destination',
    });
  });

  it('blames a blocked bot on the destination', async () => {
    fake.addChat({ id: 4545, type: 'private' });
    fake.forbidChat(4545, 'Forbidden: bot was blocked by the user');
    expect(await send(undefined, { ...config, chat_id: '4545' })).toEqual({
      kind: 'permanent',
      statusCode: 403,
      reason: 'Telegram 403: Forbidden: bot was blocked by the user',
      cause: 'destination',
    });
  });

  it.each([
    'Bad Request: can\'t parse entities: Unsupported start tag "blink" at byte offset 3',
    'Bad Request: message is too long',
    'Bad Request: message text is empty',
  ])('blames "%s" on our message', async (description) => {
    fake.failNext({ status: 400, body: { ok: false, error_code: 400, description } });
    expect(await send()).toEqual({
      kind: 'permanent',
      statusCode: 400,
      reason: `Telegram 400: ${description}`,
      cause: 'message',
    });
  });

  it('calls an unexplained 400 neither the destination nor the message', async () => {
    fake.failNext({ status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: something new' } });
    expect(await send()).toMatchObject({ kind: 'permanent', statusCode: 400, cause: 'other' });
  });

  it('gives up on a revoked token without naming it', async () => {
    fake.revokeToken(FAKE_TELEGRAM_TOKEN);
    const outcome = await send();
    expect(outcome).toEqual({
      kind: 'permanent',
      statusCode: 401,
      reason: 'Telegram 401: Unauthorized',
      cause: 'destination',
    });
  });

  it('redacts the token when an answer echoes it', async () => {
    fake.failNext({ status: 404, body: `<html>no route /bot${FAKE_TELEGRAM_TOKEN}/sendMessage</html>` });
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 404 });
    expect(reasonOf(outcome)).not.toContain(FAKE_TELEGRAM_TOKEN.split(':')[1]);
    expect(reasonOf(outcome)).toContain('[redacted]');
  });

  it('retries a 5xx', async () => {
    fake.failNext({ status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
    expect(await send()).toEqual({ kind: 'retry', statusCode: 502, reason: 'Telegram 502: Bad Gateway' });
    expect(await send()).toMatchObject({ kind: 'ok' });
  });

  it('retries when the API does not answer in time', async () => {
    fake.hangNext();
    expect(await send()).toEqual({
      kind: 'retry',
      statusCode: null,
      reason: 'no answer within 0.5 s',
      unanswered: true,
    });
  });

  it('retries when the API base is down, without the token in the reason', async () => {
    const down = loopbackContext({ telegramApiBase: 'http://127.0.0.1:1', timeoutMs: 500 });
    try {
      const outcome = await telegramProvider.send(
        { deliveryId: DELIVERY, event: sampleEvent('host.up'), config },
        down,
      );
      expect(outcome).toEqual({
        kind: 'retry',
        statusCode: null,
        reason: 'network error ECONNREFUSED',
        unanswered: true,
      });
    } finally {
      await down.close();
    }
  });
});

describe('fake telegram', () => {
  let fake: FakeTelegram;
  beforeEach(async () => {
    fake = await startFakeTelegram();
  });
  afterEach(() => fake.close());

  async function call(path: string, body: unknown) {
    const response = await fetch(`${fake.origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const sendPath = `/bot${FAKE_TELEGRAM_TOKEN}/sendMessage`;

  it('answers 404 for a malformed token', async () => {
    expect(await call('/bot123:abc/sendMessage', { chat_id: CHAT, text: 'x' })).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found' },
    });
  });

  it('refuses unsupported tags, unbalanced tags and overlong text like the API', async () => {
    const parse = (text: string) => call(sendPath, { chat_id: CHAT, text, parse_mode: 'HTML' });
    expect((await parse('a<br>b')).body.description).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "br" at byte offset 1`,
    );
    expect((await parse('<b>x</i>')).body.description).toMatch(/^Bad Request: can't parse entities: Unmatched end tag/);
    expect((await parse('<b>x')).body.description).toMatch(/Can't find end tag corresponding to start tag "b"/);
    expect((await parse('&amp;'.repeat(4096))).status).toBe(200);
    expect((await parse('&amp;'.repeat(4097))).body.description).toBe('Bad Request: message is too long');
  });

  it('answers success with the parsed text and entities', async () => {
    const answer = await call(sendPath, {
      chat_id: CHAT,
      text: '<b>Hi</b> &lt;there&gt; @somebody',
      parse_mode: 'HTML',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      ok: true,
      result: {
        message_id: 1,
        chat: { id: -1001234567890, type: 'supergroup' },
        text: 'Hi <there> @somebody',
        entities: [
          { type: 'bold', offset: 0, length: 2 },
          { type: 'mention', offset: 11, length: 9 },
        ],
      },
    });
  });
});

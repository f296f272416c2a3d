import { EVENT_TYPES } from '@wrenn/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordEmbedErrors, type FakeDiscord, startFakeDiscord } from '../../testing/src/fakes/discord';
import { destroyDiscordClients, discordProvider, embedTextLength, renderDiscordEmbed } from '../src/discord';
import type { SendOutcome } from '../src/provider';
import { SEVERITY_COLORS } from '../src/render';
import { EXPECTED_TEXT, hostileEvent, oversizedEvent, sampleEvent } from './support/chat-fixtures';
import { loopbackContext, testSettings } from './support/loopback-context';

const SETTINGS = testSettings();

const TOKEN = 'Zt3-kq_9PXwYv2bLmN8rTq4sJ6hUcA1dEfGiHjKlMnOpQrStUvWxYz0123456789abcd';
const ID = '112233445566778899';

function reasonOf(outcome: SendOutcome): string {
  return outcome.kind === 'ok' ? '' : outcome.reason;
}

describe('discord config', () => {
  const validate = (url: string, extra: Record<string, string> = {}) =>
    discordProvider.validateConfig({ webhook_url: url, ...extra }, SETTINGS);

  it.each([
    `https://discord.com/api/webhooks/${ID}/${TOKEN}`,
    `https://discordapp.com/api/webhooks/${ID}/${TOKEN}`,
    `https://ptb.discord.com/api/webhooks/${ID}/${TOKEN}`,
    `https://canary.discord.com/api/v10/webhooks/${ID}/${TOKEN}`,
    `https://discord.com/api/v9/webhooks/${ID}/${TOKEN}/`,
    `https://canary.discordapp.com/api/webhooks/12345678901234567890/${TOKEN}`,
  ])('accepts %s', (url) => {
    expect(validate(url).ok).toBe(true);
  });

  it('normalises the URL and moves a pasted thread_id to its own key', () => {
    expect(validate(`https://Discord.com/api/v10/webhooks/${ID}/${TOKEN}?thread_id=1234567890123456789`)).toEqual({
      ok: true,
      config: { webhook_url: `https://discord.com/api/webhooks/${ID}/${TOKEN}`, thread_id: '1234567890123456789' },
    });
  });

  it.each([
    ['not a url', 'is not a URL'],
    [`ftp://discord.com/api/webhooks/${ID}/${TOKEN}`, 'must start with https://'],
    [`http://discord.com/api/webhooks/${ID}/${TOKEN}`, 'https is required'],
    [`https://evil.example/api/webhooks/${ID}/${TOKEN}`, 'must be on discord.com'],
    [`https://discord.com.evil.example/api/webhooks/${ID}/${TOKEN}`, 'must be on discord.com'],
    [`https://user:pw@discord.com/api/webhooks/${ID}/${TOKEN}`, 'user name or password'],
    [`https://discord.com/api/webhooks/${ID}`, 'is not a webhook URL'],
    [`https://discord.com/api/webhooks/1234/${TOKEN}`, '17 to 20 digits'],
    [`https://discord.com/api/webhooks/${ID}/${TOKEN.slice(0, 40)}`, '60 to 100'],
    [`https://discord.com/api/webhooks/${ID}/${TOKEN}!x`, 'invalid token'],
    [`https://discord.com/channels/${ID}/${TOKEN}`, 'is not a webhook URL'],
    [`https://discord.com/api/webhooks/${ID}/${TOKEN}?thread_id=abc`, 'thread_id'],
    [`https://discord.com/api/webhooks/${ID}/${TOKEN} trailing words`, 'must not contain spaces'],
  ])('rejects %s', (url, message) => {
    const check = validate(url);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.message).toContain(message);
    expect(check.message).not.toContain(TOKEN);
  });

  it('rejects a thread_id that is not a snowflake', () => {
    const check = validate(`https://discord.com/api/webhooks/${ID}/${TOKEN}`, { thread_id: 'general' });
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining('thread_id') });
  });

  it('needs no outbound-safety check: the host is always Discord or the operator base', () => {
    expect(
      discordProvider.userTargets({ webhook_url: `https://discord.com/api/webhooks/${ID}/${TOKEN}` }, SETTINGS),
    ).toEqual([]);
  });
});

describe('discord render', () => {
  it('renders capsule.created', () => {
    expect(renderDiscordEmbed(sampleEvent('capsule.created'))).toMatchInlineSnapshot(`
      {
        "color": 3066993,
        "description": "Capsule cl-7f3a9c was created by Ada (usr-9).",
        "fields": [
          {
            "inline": true,
            "name": "Capsule",
            "value": "cl-7f3a9c",
          },
          {
            "inline": true,
            "name": "Actor",
            "value": "Ada (usr-9)",
          },
          {
            "inline": true,
            "name": "Team",
            "value": "team-42",
          },
          {
            "inline": true,
            "name": "Time",
            "value": "2026-04-09T11:06:06Z",
          },
          {
            "inline": true,
            "name": "template",
            "value": "python-3.12",
          },
        ],
        "footer": {
          "text": "Wrenn Channels · capsule.created",
        },
        "timestamp": "2026-04-09T11:06:06.000Z",
        "title": "Capsule created",
      }
    `);
  });

  it.each(EVENT_TYPES)('renders %s with title, colour, fields and timestamp', (type) => {
    const embed = renderDiscordEmbed(sampleEvent(type));
    const expected = EXPECTED_TEXT[type];
    expect(embed.title).toBe(expected.title);
    expect(embed.description).toBe(expected.summary);
    expect(embed.color).toBe(SEVERITY_COLORS[expected.severity]);
    expect(embed.timestamp).toBe('2026-04-09T11:06:06.000Z');
    expect(embed.fields?.map((f) => f.name)).toContain('Time');
    expect(discordEmbedErrors({ embeds: [embed] })).toBeNull();
  });

  it('keeps every limit, the 6,000 total included, for oversized input', () => {
    const embed = renderDiscordEmbed(oversizedEvent());
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    expect(embed.fields!.length).toBeLessThanOrEqual(25);
    for (const field of embed.fields!) {
      expect(field.name.trim().length).toBeGreaterThan(0);
      expect(field.name.length).toBeLessThanOrEqual(256);
      expect(field.value.trim().length).toBeGreaterThan(0);
      expect(field.value.length).toBeLessThanOrEqual(1024);
    }
    expect(embedTextLength(embed)).toBeLessThanOrEqual(6000);
    expect(embed.footer?.text).toMatch(/\d+ more fields not shown/);
    expect(discordEmbedErrors({ embeds: [embed] })).toBeNull();
  });

  it('never renders an empty field value', () => {
    const embed = renderDiscordEmbed(
      sampleEvent('capsule.created', { metadata: { blank: '   ', empty: '', '': 'x' } }),
    );
    expect(embed.fields?.slice(-3)).toEqual([
      { name: 'blank', value: '—', inline: true },
      { name: 'empty', value: '—', inline: true },
      { name: '(unnamed)', value: 'x', inline: true },
    ]);
  });

  it('escapes markdown so hostile text displays literally', () => {
    const embed = renderDiscordEmbed(
      hostileEvent('**bold** [click](https://evil.example) <@&123> `x` ~~s~~ ||spoiler|| _i_'),
    );
    const escaped =
      '\\*\\*bold\\*\\* \\[click\\](https://evil.example) \\<@&123\\> \\`x\\` \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\_i\\_';
    expect(embed.fields?.[0]?.value).toBe(escaped);
    expect(embed.description).toContain(escaped);
  });

  it('escapes line-start markdown', () => {
    const embed = renderDiscordEmbed(hostileEvent('# heading\n- item\n> quote\n1. first'));
    expect(embed.fields?.[0]?.value).toBe('\\# heading\n\\- item\n\\> quote\n1\\. first');
  });

  it('leaves HTML and @everyone as text (mentions are disabled when sending)', () => {
    const embed = renderDiscordEmbed(hostileEvent('<b>x</b> @everyone'));
    expect(embed.fields?.[0]?.value).toBe('\\<b\\>x\\</b\\> @everyone');
  });
});

describe('discord send', () => {
  let fake: FakeDiscord;
  let hookNumber = 0;
  // A fresh webhook id per test keeps discord.js's cached bucket state from leaking between tests.
  const nextConfig = () => {
    hookNumber += 1;
    return { webhook_url: `https://discord.com/api/webhooks/${BigInt(ID) + BigInt(hookNumber)}/${TOKEN}` };
  };
  const send = (config: Record<string, string>, timeoutMs = 2_000) =>
    discordProvider.send(
      { deliveryId: 'dlv-1', event: sampleEvent('capsule.created'), config },
      loopbackContext({ discordApiBase: fake.apiBase, timeoutMs }),
    );

  beforeAll(async () => {
    fake = await startFakeDiscord();
  });
  afterAll(async () => {
    destroyDiscordClients();
    await fake.close();
  });

  it('posts one embed with mentions disabled, into the configured thread', async () => {
    const config = { ...nextConfig(), thread_id: '1234567890123456789' };
    const before = fake.messages.length;
    expect(await send(config)).toEqual({
      kind: 'ok',
      statusCode: 200,
      rateHint: { remaining: expect.any(Number), resetAfterMs: expect.any(Number) },
    });
    const message = fake.messages[before]!;
    expect(message.allowedMentions).toEqual({ parse: [] });
    expect(message.threadId).toBe('1234567890123456789');
    expect(message.embeds).toHaveLength(1);
    expect(message.embeds[0]).toMatchObject({ title: 'Capsule created', color: 0x2ecc71 });
    const request = fake.received.at(-1)!;
    expect(request.url).toMatch(/^\/api\/v10\/webhooks\/\d+\/[\w-]+\?wait=true&thread_id=1234567890123456789$/);
    expect(request.headers['user-agent']).toContain('Wrenn-Webhooks/');
  });

  it('delivers the oversized event: the fake accepts the truncated embed', async () => {
    const outcome = await discordProvider.send(
      { deliveryId: 'dlv-2', event: oversizedEvent(), config: nextConfig() },
      loopbackContext({ discordApiBase: fake.apiBase }),
    );
    expect(outcome.kind).toBe('ok');
  });

  it('maps a 429 with headers to a retry after the longer of Retry-After and the bucket reset', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 3.2 });
    const outcome = await send(nextConfig());
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    if (outcome.kind !== 'retry') return;
    expect(outcome.retryAfterMs).toBeGreaterThanOrEqual(3_200);
    expect(outcome.retryAfterMs).toBeLessThanOrEqual(4_100);
    expect(outcome.reason).toContain('rate limit');
  });

  it('maps a global 429 to a retry', async () => {
    fake.rateLimitNext({ retryAfterSeconds: 1, global: true });
    expect(await send(nextConfig())).toMatchObject({
      kind: 'retry',
      statusCode: 429,
      reason: expect.stringContaining('global'),
    });
  });

  it('maps a header-less 429 to a retry without a delay of its own', async () => {
    fake.cloudflareBlockNext();
    const outcome = await send(nextConfig());
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  it('maps 5xx to a retry', async () => {
    fake.failNext({ status: 502, body: 'Bad Gateway' });
    expect(await send(nextConfig())).toMatchObject({ kind: 'retry', statusCode: 502 });
  });

  it('maps an unknown webhook and a wrong token to permanent failures without the token', async () => {
    const strict = await startFakeDiscord({ webhooks: [{ id: '998877665544332211', token: 'right-token' }] });
    try {
      const context = loopbackContext({ discordApiBase: strict.apiBase });
      const event = sampleEvent('host.down');
      const unknown = await discordProvider.send(
        {
          deliveryId: 'dlv-3',
          event,
          config: { webhook_url: `https://discord.com/api/webhooks/998877665544332212/${TOKEN}` },
        },
        context,
      );
      expect(unknown).toEqual({
        kind: 'permanent',
        statusCode: 404,
        reason: 'Discord 404 (code 10015): Unknown Webhook',
        cause: 'destination',
      });
      const wrongToken = await discordProvider.send(
        {
          deliveryId: 'dlv-3',
          event,
          config: { webhook_url: `https://discord.com/api/webhooks/998877665544332211/${TOKEN}` },
        },
        context,
      );
      expect(wrongToken).toEqual({
        kind: 'permanent',
        statusCode: 401,
        reason: 'Discord 401 (code 50027): Invalid Webhook Token',
        cause: 'destination',
      });
    } finally {
      await strict.close();
    }
  });

  it('maps an invalid form body to a permanent failure with the field errors', async () => {
    fake.failNext({
      status: 400,
      body: {
        code: 50035,
        message: 'Invalid Form Body',
        errors: {
          embeds: {
            0: { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } },
          },
        },
      },
    });
    const outcome = await send(nextConfig());
    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 400, cause: 'message' });
    expect(reasonOf(outcome)).toContain('embeds[0].title[BASE_TYPE_MAX_LENGTH]');
  });

  it.each([
    [403, 50013, 'Missing Permissions', 'destination'],
    [400, 50006, 'Cannot send an empty message', 'message'],
    [413, 40005, 'Request entity too large', 'message'],
    [400, 220001, 'Webhooks posted to forum channels must have a thread_name or thread_id', 'other'],
  ])('maps %i code %i to a permanent failure caused by the %s', async (status, code, message, cause) => {
    fake.failNext({ status, body: { code, message } });
    expect(await send(nextConfig())).toMatchObject({ kind: 'permanent', statusCode: status, cause });
  });

  it('maps a timeout to a retry', async () => {
    fake.hangNext();
    const outcome = await send(nextConfig(), 300);
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: null, reason: expect.stringContaining('no answer') });
  });

  it('maps a refused connection to a retry', async () => {
    const gone = await startFakeDiscord();
    await gone.close();
    const outcome = await discordProvider.send(
      { deliveryId: 'dlv-4', event: sampleEvent('host.up'), config: nextConfig() },
      loopbackContext({ discordApiBase: gone.apiBase }),
    );
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: null, reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('never puts the token in a reason', async () => {
    fake.failNext({ status: 403, body: { code: 50013, message: `Missing Permissions for /webhooks/1/${TOKEN}` } });
    fake.failNext({ status: 500, body: `oops ${TOKEN}` });
    const outcomes = [await send(nextConfig()), await send(nextConfig())];
    expect(outcomes.map((o) => o.kind)).toEqual(['permanent', 'retry']);
    for (const outcome of outcomes) expect(reasonOf(outcome)).not.toContain(TOKEN);
  });

  it('reports a stored config that no longer parses as permanent', async () => {
    const outcome = await send({ webhook_url: 'https://example.com/hook' });
    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: null, cause: 'destination' });
  });
});

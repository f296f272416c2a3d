import { parseId } from '@wrenn/events';
import { PROVIDER_NAMES, validateChannelConfig } from '@wrenn/providers';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeChannelName } from '../src/channels/channel-schemas';
import { bearer, channelBody, createChannel, VALID_CONFIGS } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

let api: TestApi;
let token: string;

beforeAll(async () => {
  api = await createTestApi();
  token = await api.token();
});
afterAll(async () => {
  await api.close();
});

async function create(body: unknown) {
  return request(api.app)
    .post('/v1/channels')
    .set(bearer(token))
    .send(body as object);
}

async function expectInvalid(body: unknown, messagePart: string | RegExp) {
  const res = await create(body);
  expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  if (typeof messagePart === 'string') expect(res.body.error.message).toContain(messagePart);
  else expect(res.body.error.message).toMatch(messagePart);
  return res.body.error.message as string;
}

describe('names', () => {
  it.each([
    ['ops-alerts', 'ops-alerts'],
    ['  Ops Alerts  ', 'ops-alerts'],
    ['A', 'a'],
    ['0day', '0day'],
    ['team.prod_alerts-2', 'team.prod_alerts-2'],
    ['Two  Spaces', 'two--spaces'],
    ['x'.repeat(64), 'x'.repeat(64)],
  ])('accepts %j as %j', async (raw, stored) => {
    expect(normalizeChannelName(raw)).toBe(stored);
    // Each case in its own team: several normalise to the same name.
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(await api.token()))
      .send(channelBody({ name: raw }));
    expect(res.status).toBe(201);
    expect(res.body.name).toBe(stored);
  });

  it.each([
    ['', 'must start with a letter or digit'],
    ['   ', 'must start with a letter or digit'],
    ['-leading-dash', 'must start with a letter or digit'],
    ['.hidden', 'must start with a letter or digit'],
    ['x'.repeat(65), '1–64 characters'],
    ['emoji-🚀', 'only a-z, 0-9'],
    ['slash/name', 'only a-z, 0-9'],
    ['tab\tname', 'only a-z, 0-9'],
    ['ünïcode', 'only a-z, 0-9'],
    ['y'.repeat(201), 'at most 200 characters'],
  ])('refuses name #%#', async (raw, message) => {
    const text = await expectInvalid(channelBody({ name: raw }), message);
    expect(text).toMatch(/^body\.name: /);
  });

  it('requires a string name', async () => {
    const { name: _omit, ...rest } = channelBody();
    await expectInvalid(rest, 'body.name: is required');
    await expectInvalid({ ...rest, name: 42 }, 'body.name: must be a string');
  });
});

describe('events', () => {
  it('refuses an empty list, unknown events and channel.test with clear messages', async () => {
    await expectInvalid(channelBody({ events: [] }), 'body.events: must list at least one event');
    await expectInvalid(
      channelBody({ events: ['capsule.exploded'] }),
      /body\.events\.0: unknown event; valid: capsule\.created, .*, or a pattern: \*, capsule\.\*/,
    );
    await expectInvalid(
      channelBody({ events: ['host.up', 'channel.test'] }),
      'body.events.1: channel.test is only sent by test sends and cannot be subscribed',
    );
    await expectInvalid({ ...channelBody(), events: 'host.up' }, 'body.events: must be a non-empty array');
    await expectInvalid({ ...channelBody(), events: undefined }, 'body.events: is required');
  });

  it('removes duplicates and accepts all eight events', async () => {
    const all = [
      'capsule.created',
      'capsule.running',
      'capsule.paused',
      'capsule.destroyed',
      'template.snapshot.created',
      'template.snapshot.deleted',
      'host.up',
      'host.down',
    ];
    const res = await create(channelBody({ events: [...all, ...all] }));
    expect(res.status).toBe(201);
    expect(res.body.events).toEqual(all);
  });
});

describe('body shape', () => {
  it('refuses unknown fields, naming them and the allowed ones', async () => {
    await expectInvalid(
      { ...channelBody(), enabled: true },
      'unknown field "enabled" (allowed: name, provider, config, events, message_style, filter, quiet_hours)',
    );
  });

  it('refuses bodies that are not objects', async () => {
    for (const body of [[], 'text', 42, null, true]) {
      const res = await request(api.app)
        .post('/v1/channels')
        .set(bearer(token))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toBe('body: must be a JSON object');
    }
  });

  it('refuses an unknown provider, listing the seven', async () => {
    await expectInvalid(
      channelBody({ provider: 'pager' as never }),
      'body.provider: must be one of discord, slack, teams, googlechat, telegram, matrix, webhook',
    );
  });
});

describe('config', () => {
  it('accepts the sample config of every provider', () => {
    for (const provider of PROVIDER_NAMES) {
      expect(
        validateChannelConfig(provider, VALID_CONFIGS[provider], api.deps.providerSettings),
        provider,
      ).toMatchObject({ ok: true });
    }
  });

  it('stores exactly the keys given, sorted in config_fields', async () => {
    const telegram = await createChannel(api, token, {
      provider: 'telegram',
      config: { ...VALID_CONFIGS.telegram, message_thread_id: '7' },
    });
    expect(telegram.config_fields).toEqual(['bot_token', 'chat_id', 'message_thread_id']);
  });

  it.each([
    ['discord', {}, 'config.webhook_url is required for discord'],
    ['discord', { webhook_url: 'https://example.com/api/webhooks/123456789012345678/token' }, 'webhook_url'],
    ['slack', { webhook_url: 'https://hooks.slack.com/workflows/T1/A1/123/abc' }, 'Workflow Builder'],
    ['teams', { webhook_url: 'https://contoso.webhook.office.com/webhookb2/abc/IncomingWebhook/def/ghi' }, 'retired'],
    ['teams', { webhook_url: 'https://example.com/workflows/abc?sig=x' }, 'logic.azure.com'],
    ['telegram', { bot_token: 'not-a-token', chat_id: '1' }, 'config.bot_token is not a Telegram bot token'],
    ['telegram', { bot_token: VALID_CONFIGS.telegram.bot_token }, 'config.chat_id is required'],
    ['matrix', { ...VALID_CONFIGS.matrix, room_id: 'general' }, 'room'],
    ['webhook', { url: 'ftp://example.com/x' }, 'config.url must use http or https'],
    ['webhook', { url: 'not a url' }, 'config.url must be an absolute http or https URL'],
    ['webhook', { url: 'https://user:pass@example.com/x' }, 'must not contain a user name or password'],
    [
      'webhook',
      { url: 'https://example.com', extra: 'x' },
      'config.extra is not a webhook setting (allowed: url, secret)',
    ],
    ['webhook', { url: 42 }, 'body.config.url: must be a string'],
    ['webhook', { url: `https://example.com/${'a'.repeat(2100)}` }, 'at most 2048 characters'],
    ['webhook', 'https://example.com', 'body.config: must be an object of strings'],
    ['webhook', { url: { nested: true } }, 'must be a string'],
  ] as const)('%s config #%# is refused', async (provider, config, message) => {
    await expectInvalid({ ...channelBody({ provider }), config }, message);
  });

  it('never repeats a secret value in a validation message', async () => {
    const token1 = '123456789:short';
    const message = await expectInvalid(
      { ...channelBody({ provider: 'telegram' }), config: { bot_token: token1, chat_id: '1' } },
      'bot_token',
    );
    expect(message).not.toContain(token1);
    const slackSecret = 'zzzSecretPartOfSlackUrl';
    const slack = await expectInvalid(
      {
        ...channelBody({ provider: 'slack' }),
        config: { webhook_url: `https://hooks.slack.com/services/bad/B01/${slackSecret}` },
      },
      'webhook_url',
    );
    expect(slack).not.toContain(slackSecret);
  });
});

describe('outbound safety', () => {
  const refused = [
    'http://127.0.0.1:8080/hook',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://localhost:9000/hook',
  ];
  let strict: TestApi;
  let strictToken: string;

  beforeAll(async () => {
    strict = await createTestApi({ providerSettings: { allowPrivateTargets: false } });
    strictToken = await strict.token();
  });
  afterAll(async () => {
    await strict.close();
  });

  it.each(refused)('refuses %s at create, rotate and test time', async (url) => {
    const create = await request(strict.app)
      .post('/v1/channels')
      .set(bearer(strictToken))
      .send(channelBody({ provider: 'webhook', config: { url } }));
    expect(create.status).toBe(400);
    expect(create.body.error.message).toMatch(/is not allowed/);

    const existing = await createChannel(strict, strictToken, {
      provider: 'webhook',
      config: { url: 'https://93.184.215.14/hook' },
    });
    const rotate = await request(strict.app)
      .put(`/v1/channels/${existing.id}/config`)
      .set(bearer(strictToken))
      .send({ config: { url } });
    expect(rotate.status).toBe(400);
    expect(rotate.body.error.message).toMatch(/is not allowed/);

    const test = await request(strict.app)
      .post('/v1/channels/test')
      .set(bearer(strictToken))
      .send({ provider: 'webhook', config: { url } });
    expect(test.status).toBe(400);
    expect(test.body.error.message).toMatch(/is not allowed/);
  });

  it('applies to the Matrix homeserver too', async () => {
    const res = await request(strict.app)
      .post('/v1/channels')
      .set(bearer(strictToken))
      .send(
        channelBody({
          provider: 'matrix',
          config: { ...VALID_CONFIGS.matrix, homeserver_url: 'https://10.1.2.3:8008' },
        }),
      );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/is not allowed/);
  });

  it('refuses a stored channel whose target is now private when testing it', async () => {
    const stored = await createChannel(strict, strictToken, {
      provider: 'webhook',
      config: { url: 'https://93.184.215.14/hook' },
    });
    // A target can become private after creation (DNS changes, a restored backup): test time checks again.
    await strict.deps.db
      .updateTable('channels')
      .set({ config: JSON.stringify({ url: strict.deps.secrets.encrypt('http://127.0.0.1:9/hook') }) })
      .where('id', '=', parseId('channel', stored.id) as string)
      .execute();
    const res = await request(strict.app).post(`/v1/channels/${stored.id}/test`).set(bearer(strictToken));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/127\.0\.0\.1 is not allowed/);
  });
});

describe('https for URLs that carry credentials', () => {
  it.each(['discord', 'slack', 'teams', 'googlechat'] as const)(
    'refuses an http %s URL, saying https is required',
    async (provider) => {
      const webhook_url = VALID_CONFIGS[provider].webhook_url?.replace('https://', 'http://') ?? '';
      const message = await expectInvalid(
        { ...channelBody({ provider }), config: { webhook_url } },
        'https is required',
      );
      expect(message).not.toContain(new URL(webhook_url).search.slice(1) || 'no-query');
      const test = await request(api.app)
        .post('/v1/channels/test')
        .set(bearer(token))
        .send({ provider, config: { webhook_url } });
      expect(test.status).toBe(400);
      expect(test.body.error.message).toContain('https is required');
    },
  );

  it('accepts an http webhook URL', async () => {
    const res = await create(channelBody({ provider: 'webhook', config: { url: 'http://hooks.example.com/wrenn' } }));
    expect(res.status).toBe(201);
  });

  it('refuses an http Matrix homeserver unless private targets are allowed', async () => {
    const config = { ...VALID_CONFIGS.matrix, homeserver_url: 'http://matrix.example.org' };
    // The shared API allows private targets (development set-ups): http is fine there.
    expect((await create(channelBody({ provider: 'matrix', config }))).status).toBe(201);

    const strict = await createTestApi({ providerSettings: { allowPrivateTargets: false } });
    try {
      const strictToken = await strict.token();
      const res = await request(strict.app)
        .post('/v1/channels')
        .set(bearer(strictToken))
        .send(channelBody({ provider: 'matrix', config }));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('https is required');
      expect(res.body.error.message).not.toContain(VALID_CONFIGS.matrix.access_token);
      const existing = await createChannel(strict, strictToken, { provider: 'matrix', config: VALID_CONFIGS.matrix });
      const rotate = await request(strict.app)
        .put(`/v1/channels/${existing.id}/config`)
        .set(bearer(strictToken))
        .send({ config });
      expect(rotate.status).toBe(400);
      expect(rotate.body.error.message).toContain('https is required');
    } finally {
      await strict.close();
    }
  });
});

describe('outbound safety for chat webhook URLs', () => {
  // A scripted resolver: the tests never touch real DNS.
  const addresses: Record<string, Array<{ address: string; family: number }>> = {
    'hooks.slack.com': [{ address: '10.0.0.5', family: 4 }],
    'prod-01.westus.logic.azure.com': [{ address: '169.254.169.254', family: 4 }],
    'chat.googleapis.com': [
      { address: '142.250.1.1', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ],
    'mixed.example.com': [
      { address: '93.184.215.14', family: 4 },
      { address: '192.168.1.20', family: 4 },
    ],
  };
  const lookup = async (hostname: string) => addresses[hostname] ?? [{ address: '93.184.215.14', family: 4 }];
  let strict: TestApi;
  let strictToken: string;
  let proxied: TestApi;
  let proxiedToken: string;

  beforeAll(async () => {
    strict = await createTestApi({ providerSettings: { allowPrivateTargets: false }, outbound: { lookup } });
    strictToken = await strict.token();
    proxied = await createTestApi({
      providerSettings: {
        allowPrivateTargets: false,
        slackApiBase: 'https://slack-proxy.internal',
        teamsApiBase: 'https://teams-proxy.internal',
        googleChatApiBase: 'https://chat-proxy.internal',
      },
      outbound: { lookup },
    });
    proxiedToken = await proxied.token();
  });
  afterAll(async () => {
    await strict.close();
    await proxied.close();
  });

  it.each(['slack', 'teams', 'googlechat'] as const)(
    'refuses a %s URL whose host resolves to a private address, unless an operator base replaces it',
    async (provider) => {
      const body = channelBody({ provider, config: VALID_CONFIGS[provider] });
      const res = await request(strict.app).post('/v1/channels').set(bearer(strictToken)).send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/is not allowed/);
      const test = await request(strict.app)
        .post('/v1/channels/test')
        .set(bearer(strictToken))
        .send({ provider, config: VALID_CONFIGS[provider] });
      expect(test.status).toBe(400);
      expect(test.body.error.message).toMatch(/is not allowed/);

      const viaBase = await request(proxied.app).post('/v1/channels').set(bearer(proxiedToken)).send(body);
      expect(viaBase.status).toBe(201);
    },
  );

  it('refuses a host that resolves to both a public and a private address', async () => {
    const res = await request(strict.app)
      .post('/v1/channels')
      .set(bearer(strictToken))
      .send(channelBody({ provider: 'webhook', config: { url: 'https://mixed.example.com/hook' } }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/192\.168\.1\.20 is not allowed/);
  });

  it('does not apply to Discord and Telegram, whose requests always go to the operator base', async () => {
    for (const provider of ['discord', 'telegram'] as const) {
      const res = await request(strict.app)
        .post('/v1/channels')
        .set(bearer(strictToken))
        .send(channelBody({ provider, config: VALID_CONFIGS[provider] }));
      expect(res.status, provider).toBe(201);
    }
  });
});

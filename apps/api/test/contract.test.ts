// Black-box conformance to the service's published behaviour: the app is driven
// over HTTP only, and every check below is one documented rule.
import { createDecipheriv, createHmac } from 'node:crypto';
import { newId, parseId } from '@wrenn/events';
import { type ProviderName, sendEvent } from '@wrenn/providers';
import { createMetricsRegistry } from '@wrenn/runtime';
import { type FakeWebhookReceiver, type ReceivedRequest, startFakeWebhookReceiver } from '@wrenn/testing';
import { generateKeyPair, SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import type { ApiDeps } from '../src/deps';
import { createTestApi, newTeamId, newUserId, signToken, type TestApi } from './support/test-api';

let api: TestApi;
let strictApi: TestApi;

beforeAll(async () => {
  [api, strictApi] = await Promise.all([
    createTestApi({ providerSettings: { timeoutMs: 2_000 } }),
    createTestApi({ providerSettings: { allowPrivateTargets: false, timeoutMs: 2_000 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([api?.close(), strictApi?.close()]);
});

// ---------------------------------------------------------------------------
// Helpers

const ERROR_STATUS: Record<string, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  delivery_failed: 502,
  unavailable: 503,
  internal: 500,
};

/** `{"error":{"code","message"}}` and nothing else, with the status the code fixes. */
function expectError(res: request.Response, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(ERROR_STATUS[code]).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

const CHANNEL_KEYS = [
  'config_fields',
  'created_at',
  'disabled_reason',
  'enabled',
  'events',
  'filter',
  'id',
  'message_style',
  'name',
  'provider',
  'quiet_hours',
  'team_id',
  'updated_at',
];
const DELIVERY_KEYS = [
  'attempts',
  'created_at',
  'delivered_at',
  'event',
  'event_id',
  'id',
  'last_error',
  'last_status_code',
  'ready_at',
  'status',
  'updated_at',
];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ID = (prefix: string) => new RegExp(`^${prefix}-[0-9a-z]{25}$`);

function expectChannel(body: Record<string, unknown>, opts: { secret?: boolean } = {}) {
  const keys = opts.secret ? [...CHANNEL_KEYS, 'secret'].sort() : CHANNEL_KEYS;
  expect(Object.keys(body).sort()).toEqual(keys);
  expect(body.id).toMatch(ID('ch'));
  expect(body.team_id).toMatch(ID('team'));
  expect(body.created_at).toMatch(RFC3339);
  expect(body.updated_at).toMatch(RFC3339);
  expect(typeof body.enabled).toBe('boolean');
  const fields = body.config_fields as string[];
  expect(fields).toEqual([...fields].sort());
}

interface Team {
  teamId: string;
  userId: string;
  token: string;
}

async function newTeam(target: TestApi = api, role: 'owner' | 'admin' | 'member' = 'owner'): Promise<Team> {
  const teamId = newTeamId();
  const userId = newUserId();
  return { teamId, userId, token: await target.token({ team_id: teamId, sub: userId, role, name: 'Ada' }) };
}

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

let nameCounter = 0;
const uniqueName = () => `conformance-${++nameCounter}`;

const DISCORD_URL = `https://discord.com/api/webhooks/123456789012345678/AbC-dEf_ghIJKLmnopQRstuvWXyz0123456789${'x'.repeat(30)}`;
const SLACK_URL = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
const TEAMS_URL =
  'https://prod-12.westeurope.logic.azure.com:443/workflows/0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=teamsSignature0123456789';
const GCHAT_URL =
  'https://chat.googleapis.com/v1/spaces/AAAAbbbbCCC/messages?key=gchatKey0123456789&token=gchatToken0123456789';
const TG_TOKEN = `123456789:${'A'.repeat(20)}b_c-${'d'.repeat(11)}`;

const CONFIGS: Record<ProviderName, Record<string, string>> = {
  discord: { webhook_url: DISCORD_URL },
  slack: { webhook_url: SLACK_URL },
  teams: { webhook_url: TEAMS_URL },
  googlechat: { webhook_url: GCHAT_URL },
  telegram: { bot_token: TG_TOKEN, chat_id: '-1001234567890' },
  matrix: {
    homeserver_url: 'https://matrix.example.org',
    access_token: 'syt_accessToken0123456789',
    room_id: '!abc:example.org',
  },
  webhook: { url: 'https://hooks.example.com/wrenn', secret: 'a-user-secret-0123456789' },
};

function postChannel(team: Team, body: unknown, target: TestApi = api) {
  return request(target.app)
    .post('/v1/channels')
    .set(auth(team.token))
    .send(body as object);
}

async function createChannel(team: Team, overrides: Record<string, unknown> = {}, target: TestApi = api) {
  const provider = (overrides.provider as string | undefined) ?? 'webhook';
  const res = await postChannel(
    team,
    {
      name: uniqueName(),
      provider,
      config: CONFIGS[provider as ProviderName],
      events: ['capsule.created'],
      ...overrides,
    },
    target,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, unknown> & { id: string; secret?: string };
}

function ingest(body: unknown, target: TestApi = api) {
  return request(target.app)
    .post('/internal/v1/audit')
    .set(auth(target.deps.internalToken))
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body));
}

function entry(teamId: string, overrides: Record<string, unknown> = {}) {
  return {
    team_id: teamId,
    actor: { type: 'user', id: newId('user').id, name: 'Ada' },
    resource_type: 'sandbox',
    resource_id: newId('capsule').id,
    action: 'create',
    scope: 'team',
    status: 'success',
    metadata: { template: 'python-3.12' },
    ...overrides,
  };
}

async function countAuditRows(teamId: string, target: TestApi = api): Promise<number> {
  const row = await target.deps.db
    .selectFrom('audit_logs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('team_id', '=', parseId('team', teamId) as string)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function header(req: ReceivedRequest, name: string): string {
  const value = req.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** The HMAC key of a secret (the decoded bytes of a `whsec_` secret, else its UTF-8 bytes), computed independently. */
function keyOf(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

/** Every header and both signature schemes of a webhook delivery, checked with node:crypto. */
function expectSignedWebhook(req: ReceivedRequest, secret: string) {
  expect(req.method).toBe('POST');
  expect(header(req, 'content-type')).toMatch(/^application\/json\b/);
  expect(header(req, 'user-agent')).toMatch(/^Wrenn-Webhooks\/\S+$/);
  const delivery = header(req, 'x-wrenn-delivery');
  expect(delivery).toMatch(ID('dlv'));
  const ts = header(req, 'x-wrenn-timestamp');
  expect(ts).toMatch(RFC3339_UTC);
  const key = keyOf(secret);
  const wrennSignature = createHmac('sha256', key).update(`${ts}.${req.body}`).digest('hex');
  expect(header(req, 'x-wrenn-signature')).toBe(`sha256=${wrennSignature}`);
  expect(header(req, 'webhook-id')).toBe(delivery);
  const unix = header(req, 'webhook-timestamp');
  expect(unix).toMatch(/^\d+$/);
  expect(Math.abs(Number(unix) - Date.now() / 1000)).toBeLessThan(300);
  expect(Math.abs(Number(unix) - Date.parse(ts) / 1000)).toBeLessThan(1);
  const standard = createHmac('sha256', key).update(`${delivery}.${unix}.${req.body}`).digest('base64');
  expect(header(req, 'webhook-signature').split(' ')).toContain(`v1,${standard}`);
}

const EVENT_KEYS = ['actor', 'event', 'id', 'metadata', 'resource', 'team_id', 'timestamp'];

// ---------------------------------------------------------------------------
// 4. Errors

describe('4 errors', () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam();
  });

  it('an unknown route is 404 not_found', async () => {
    expectError(await request(api.app).get('/nope'), 404, 'not_found');
    expectError(await request(api.app).get('/v1/nope').set(auth(team.token)), 404, 'not_found');
    expectError(await request(api.app).post('/v2/channels').send({}), 404, 'not_found');
  });

  it('malformed JSON is 400 invalid_request', async () => {
    const res = await request(api.app)
      .post('/v1/channels')
      .set(auth(team.token))
      .set('Content-Type', 'application/json')
      .send('{"name": "x",');
    expectError(res, 400, 'invalid_request');
    const internal = await request(api.app)
      .post('/internal/v1/audit')
      .set(auth(api.deps.internalToken))
      .set('Content-Type', 'application/json')
      .send('[{');
    expectError(internal, 400, 'invalid_request');
  });

  it('a body of another media type is 415 unsupported_media_type', async () => {
    const text = await request(api.app)
      .post('/v1/channels')
      .set(auth(team.token))
      .set('Content-Type', 'text/plain')
      .send('hello');
    expectError(text, 415, 'unsupported_media_type');
    const form = await request(api.app).post('/v1/channels').set(auth(team.token)).type('form').send({ name: 'x' });
    expectError(form, 415, 'unsupported_media_type');
    const internal = await request(api.app)
      .post('/internal/v1/audit')
      .set(auth(api.deps.internalToken))
      .set('Content-Type', 'text/plain')
      .send('{}');
    expectError(internal, 415, 'unsupported_media_type');
  });

  it('bodies over 64 KB on /v1 are 413 payload_too_large; 64 KB is not', async () => {
    const sized = (bytes: number) => {
      const head = '{"name":"';
      const tail = '"}';
      return head + 'a'.repeat(bytes - head.length - tail.length) + tail;
    };
    const over = await request(api.app)
      .post('/v1/channels')
      .set(auth(team.token))
      .set('Content-Type', 'application/json')
      .send(sized(64 * 1024 + 1));
    expectError(over, 413, 'payload_too_large');
    const limit = await request(api.app)
      .post('/v1/channels')
      .set(auth(team.token))
      .set('Content-Type', 'application/json')
      .send(sized(64 * 1024));
    expectError(limit, 400, 'invalid_request');
  });

  it('bodies up to 1 MB are accepted on /internal, larger ones are 413', async () => {
    const teamId = newTeamId();
    const build = (bytes: number) => {
      const base = JSON.stringify(entry(teamId, { metadata: { pad: '' } }));
      const pad = 'p'.repeat(bytes - base.length);
      return base.replace('"pad":""', `"pad":"${pad}"`);
    };
    const exact = build(1024 * 1024);
    expect(Buffer.byteLength(exact)).toBe(1024 * 1024);
    const ok = await request(api.app)
      .post('/internal/v1/audit')
      .set(auth(api.deps.internalToken))
      .set('Content-Type', 'application/json')
      .send(exact);
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    const over = await request(api.app)
      .post('/internal/v1/audit')
      .set(auth(api.deps.internalToken))
      .set('Content-Type', 'application/json')
      .send(build(1024 * 1024 + 1));
    expectError(over, 413, 'payload_too_large');
  });

  it('no 5xx for bad input', async () => {
    const teamId = newTeamId();
    const bodies: unknown[] = [
      entry(teamId, { resource_id: 'a\u0000b' }),
      entry(teamId, { metadata: { note: 'nul \u0000 inside' } }),
      entry(teamId, { metadata: { ['k\u0000']: 1 } }),
      entry(teamId, { actor: { type: 'user', name: 'A\u0000da' } }),
      entry(teamId, { action: 'create\u0000' }),
      'just a string',
      42,
      null,
      [null],
      { team_id: teamId, actor: 'x' },
    ];
    for (const body of bodies) {
      const res = await ingest(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBeLessThan(500);
    }
    const lone = await request(api.app)
      .post('/internal/v1/audit')
      .set(auth(api.deps.internalToken))
      .set('Content-Type', 'application/json')
      .send(
        `{"team_id":"${teamId}","actor":{"type":"system"},"resource_type":"sandbox","action":"create","metadata":{"x":"\\ud800"}}`,
      );
    expect(lone.status).toBeLessThan(500);
    for (const depth of [100, 5_000, 100_000]) {
      const deep = `{"team_id":"${teamId}","actor":{"type":"system"},"resource_type":"sandbox","action":"create","metadata":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
      const res = await request(api.app)
        .post('/internal/v1/audit')
        .set(auth(api.deps.internalToken))
        .set('Content-Type', 'application/json')
        .send(deep);
      expect(res.status, `depth ${depth}`).toBeLessThan(500);
    }
    for (const query of ['action=%00', 'resource_type=a%00b', 'before=log-%00']) {
      const res = await request(api.app).get(`/v1/audit-logs?${query}`).set(auth(team.token));
      expect(res.status, query).toBeLessThan(500);
    }
    const channelBodies: unknown[] = [
      { name: 'a\u0000', provider: 'webhook', config: CONFIGS.webhook, events: ['host.up'] },
      { name: 'ok-name', provider: 'webhook', config: { url: 'https://x.example.com/\u0000' }, events: ['host.up'] },
      { name: ['x'], provider: 7, config: null, events: 'host.up' },
      [],
      'x',
    ];
    for (const body of channelBodies) {
      const res = await request(api.app)
        .post('/v1/channels')
        .set(auth(team.token))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
    }
    const badPath = await request(api.app).get('/v1/channels/%E0%A4%A').set(auth(team.token));
    expect(badPath.status).toBeLessThan(500);
    const badQuery = await request(api.app).get('/v1/audit-logs?limit=abc&before=zzz').set(auth(team.token));
    expectError(badQuery, 400, 'invalid_request');
  });
});

// ---------------------------------------------------------------------------
// 4.1 Authentication

describe('4.1 authentication', () => {
  const secretKey = () => new TextEncoder().encode(api.deps.jwtSecret);
  const claims = () => ({
    sub: newUserId(),
    team_id: newTeamId(),
    role: 'owner',
    email: 'ada@example.com',
    name: 'Ada',
  });
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  async function expect401(headers: Record<string, string>) {
    const res = await request(api.app).get('/v1/channels').set(headers);
    expectError(res, 401, 'unauthorized');
  }

  it('accepts a platform HS256 user token', async () => {
    const token = await signToken(api.deps.jwtSecret, { is_admin: false });
    const res = await request(api.app).get('/v1/channels').set(auth(token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });

  it('rejects missing, malformed, expired, wrongly signed and non-HS256 tokens with 401', async () => {
    await expect401({});
    await expect401({ Authorization: 'Bearer' });
    await expect401({ Authorization: 'Bearer not-a-jwt' });
    await expect401({ Authorization: 'Bearer a.b.c' });
    await expect401({ Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` });
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(now - 7200)
      .setExpirationTime(now - 3600)
      .sign(secretKey());
    await expect401(auth(expired));
    await expect401(auth(await signToken('another-secret-of-sufficient-length')));
    const hs512 = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secretKey());
    await expect401(auth(hs512));
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);
    await expect401(auth(rs256));
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), iat: now, exp: now + 3600 })}.`;
    await expect401(auth(none));
    const noneSigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), iat: now, exp: now + 3600 })}.c2ln`;
    await expect401(auth(noneSigned));
  });

  it('rejects host tokens ("typ":"host" in the header or the payload)', async () => {
    const inHeader = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'HS256', typ: 'host' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secretKey());
    await expect401(auth(inHeader));
    const inPayload = await new SignJWT({ ...claims(), typ: 'host' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(secretKey());
    await expect401(auth(inPayload));
  });

  it('rejects API keys: X-API-Key or a non-JWT bearer', async () => {
    await expect401({ 'X-API-Key': 'wrn_0123456789abcdef0123456789abcdef' });
    await expect401({ Authorization: 'Bearer wrn_0123456789abcdef0123456789abcdef' });
  });

  it('/internal/* accepts only the internal token', async () => {
    const body = entry(newTeamId());
    const user = await signToken(api.deps.jwtSecret);
    const post = (headers: Record<string, string>) =>
      request(api.app).post('/internal/v1/audit').set(headers).set('Content-Type', 'application/json').send(body);
    expectError(await post({}), 401, 'unauthorized');
    expectError(await post(auth(user)), 401, 'unauthorized');
    expectError(await post(auth(`${api.deps.internalToken}x`)), 401, 'unauthorized');
    expectError(await post({ 'X-API-Key': api.deps.internalToken }), 401, 'unauthorized');
    expect((await post(auth(api.deps.internalToken))).status).toBe(202);
    // …and the internal token is no user token.
    expectError(await request(api.app).get('/v1/channels').set(auth(api.deps.internalToken)), 401, 'unauthorized');
  });
});

// ---------------------------------------------------------------------------
// 4.2 IDs

describe('4.2 ids', () => {
  let team: Team;
  let other: Team;
  let channelId: string;
  beforeAll(async () => {
    team = await newTeam();
    other = await newTeam();
    channelId = (await createChannel(team)).id;
  });

  it('ids are a prefix and 25 base-36 characters', async () => {
    expect(channelId).toMatch(ID('ch'));
    const res = await ingest(entry(team.teamId));
    expect(res.body.ids[0]).toMatch(ID('log'));
  });

  it('a malformed id in a path is 400, an unknown one 404, another team’s 404', async () => {
    const unknown = newId('channel').id;
    for (const bad of [
      'nope',
      'ch-123',
      `ch-${'A'.repeat(25)}`,
      `ch-${'z'.repeat(26)}`,
      newId('team').id,
      `ch-${'z'.repeat(25)}`,
    ]) {
      expectError(await request(api.app).get(`/v1/channels/${bad}`).set(auth(team.token)), 400, 'invalid_request');
    }
    const routes: Array<
      [method: 'get' | 'patch' | 'put' | 'delete' | 'post', path: (id: string) => string, body?: object]
    > = [
      ['get', (id) => `/v1/channels/${id}`],
      ['patch', (id) => `/v1/channels/${id}`, { enabled: false }],
      ['put', (id) => `/v1/channels/${id}/config`, { config: CONFIGS.webhook }],
      ['post', (id) => `/v1/channels/${id}/test`],
      ['get', (id) => `/v1/channels/${id}/deliveries`],
      ['post', (id) => `/v1/channels/${id}/deliveries/${newId('delivery').id}/retry`],
      ['delete', (id) => `/v1/channels/${id}`],
    ];
    for (const [method, path, body] of routes) {
      const send = (id: string, token: string) => {
        const req = request(api.app)[method](path(id)).set(auth(token));
        return body ? req.send(body) : req;
      };
      expectError(await send('ch-bad', team.token), 400, 'invalid_request');
      expectError(await send(unknown, team.token), 404, 'not_found');
      expectError(await send(channelId, other.token), 404, 'not_found');
    }
    // The channel survived the other team's attempts.
    expect((await request(api.app).get(`/v1/channels/${channelId}`).set(auth(team.token))).status).toBe(200);
    const badDelivery = await request(api.app)
      .post(`/v1/channels/${channelId}/deliveries/dlv-x/retry`)
      .set(auth(team.token));
    expectError(badDelivery, 400, 'invalid_request');
    const unknownDelivery = await request(api.app)
      .post(`/v1/channels/${channelId}/deliveries/${newId('delivery').id}/retry`)
      .set(auth(team.token));
    expectError(unknownDelivery, 404, 'not_found');
  });
});

// ---------------------------------------------------------------------------
// 4.3 Channels

describe('4.3 channel object and CRUD', () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam();
  });

  it('POST creates a channel: 201, exact keys, normalised name, deduplicated events', async () => {
    const res = await postChannel(team, {
      name: '  Ops Alerts ',
      provider: 'discord',
      config: CONFIGS.discord,
      events: ['host.down', 'capsule.created', 'host.down'],
    });
    expect(res.status).toBe(201);
    expectChannel(res.body);
    expect(res.body).toMatchObject({
      team_id: team.teamId,
      name: 'ops-alerts',
      provider: 'discord',
      enabled: true,
      disabled_reason: null,
      config_fields: ['webhook_url'],
    });
    expect([...res.body.events].sort()).toEqual(['capsule.created', 'host.down']);
    expect(JSON.stringify(res.body)).not.toContain('AbC-dEf_ghIJKL');
  });

  it('names: 64 characters at most, pattern, unique per team (409)', async () => {
    const long = `a${'b'.repeat(63)}`;
    expect(
      (await postChannel(team, { name: long, provider: 'webhook', config: CONFIGS.webhook, events: ['host.up'] }))
        .status,
    ).toBe(201);
    for (const name of [`${long}c`, '', '   ', '-abc', '.abc', 'a/b', 'émoji', 'a+b']) {
      const res = await postChannel(team, { name, provider: 'webhook', config: CONFIGS.webhook, events: ['host.up'] });
      expectError(res, 400, 'invalid_request');
    }
    const first = await postChannel(team, {
      name: 'Team Chat',
      provider: 'webhook',
      config: CONFIGS.webhook,
      events: ['host.up'],
    });
    expect(first.status).toBe(201);
    expect(first.body.name).toBe('team-chat');
    const again = await postChannel(team, {
      name: ' TEAM CHAT',
      provider: 'slack',
      config: CONFIGS.slack,
      events: ['host.up'],
    });
    expectError(again, 409, 'conflict');
    const elsewhere = await postChannel(await newTeam(), {
      name: 'team-chat',
      provider: 'webhook',
      config: CONFIGS.webhook,
      events: ['host.up'],
    });
    expect(elsewhere.status).toBe(201);
    for (const name of ['a', '0', 'a.b_c-d', '9lives']) {
      const res = await postChannel(team, { name, provider: 'webhook', config: CONFIGS.webhook, events: ['host.up'] });
      expect(res.status, name).toBe(201);
      expect(res.body.name).toBe(name);
    }
  });

  it('provider is one of the seven; events a non-empty subset without channel.test', async () => {
    const base = { name: uniqueName(), provider: 'webhook', config: CONFIGS.webhook, events: ['host.up'] };
    for (const override of [
      { provider: 'email' },
      { provider: undefined },
      { events: [] },
      { events: ['channel.test'] },
      { events: ['host.up', 'channel.test'] },
      { events: ['capsule.exploded'] },
      { events: 'host.up' },
      { events: undefined },
      { name: undefined },
      { config: undefined },
    ]) {
      expectError(await postChannel(team, { ...base, ...override }), 400, 'invalid_request');
    }
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
    const res = await postChannel(team, { ...base, events: all });
    expect(res.status).toBe(201);
    expect([...res.body.events].sort()).toEqual([...all].sort());
  });

  it('config is a flat object of strings with the provider’s keys; unknown keys are 400', async () => {
    const bad: Array<[string, unknown]> = [
      ['webhook', { url: 'https://hooks.example.com/x', extra: 'y' }],
      ['webhook', { url: 'https://hooks.example.com/x', secret: 7 }],
      ['webhook', { url: { nested: 'x' } }],
      ['webhook', ['https://hooks.example.com/x']],
      ['webhook', 'https://hooks.example.com/x'],
      ['webhook', {}],
      ['discord', { webhook_url: DISCORD_URL, url: DISCORD_URL }],
      ['discord', { thread_id: '123456789012345678' }],
      ['slack', { webhook_url: SLACK_URL, channel: '#general' }],
      ['teams', { webhook_url: TEAMS_URL, sig: 'x' }],
      ['googlechat', { webhook_url: GCHAT_URL, thread_key: 'x' }],
      ['telegram', { bot_token: TG_TOKEN }],
      ['telegram', { bot_token: TG_TOKEN, chat_id: '1', parse_mode: 'HTML' }],
      ['matrix', { homeserver_url: 'https://matrix.example.org', access_token: 'x' }],
      ['matrix', { ...CONFIGS.matrix, user_id: '@bot:example.org' }],
      ['webhook', { webhook_url: 'https://hooks.example.com/x' }],
    ];
    for (const [provider, config] of bad) {
      const res = await postChannel(team, { name: uniqueName(), provider, config, events: ['host.up'] });
      expectError(res, 400, 'invalid_request');
    }
  });

  it('config_fields lists every stored key, sorted', async () => {
    const cases: Array<[string, Record<string, string>, string[]]> = [
      ['discord', { webhook_url: DISCORD_URL, thread_id: '123456789012345678' }, ['thread_id', 'webhook_url']],
      ['telegram', { ...CONFIGS.telegram, message_thread_id: '42' }, ['bot_token', 'chat_id', 'message_thread_id']],
      ['matrix', CONFIGS.matrix, ['access_token', 'homeserver_url', 'room_id']],
      ['webhook', { url: 'https://hooks.example.com/a' }, ['secret', 'url']],
      ['webhook', { url: 'https://hooks.example.com/a', secret: 'mine-and-long-enough' }, ['secret', 'url']],
      ['slack', CONFIGS.slack, ['webhook_url']],
      ['teams', CONFIGS.teams, ['webhook_url']],
      ['googlechat', CONFIGS.googlechat, ['webhook_url']],
    ];
    for (const [provider, config, fields] of cases) {
      const body = await createChannel(team, { provider, config });
      expect(body.config_fields, provider).toEqual(fields);
    }
  });

  it('webhook: a generated secret is returned once; a supplied secret never is', async () => {
    const generated = await createChannel(team, {
      provider: 'webhook',
      config: { url: 'https://hooks.example.com/gen' },
    });
    expectChannel(generated, { secret: true });
    expect(generated.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from((generated.secret as string).slice(6), 'base64')).toHaveLength(32);
    expect(generated.config_fields).toEqual(['secret', 'url']);
    const read = await request(api.app).get(`/v1/channels/${generated.id}`).set(auth(team.token));
    expect(read.status).toBe(200);
    expectChannel(read.body);
    expect(JSON.stringify(read.body)).not.toContain(generated.secret);
    const list = await request(api.app).get('/v1/channels').set(auth(team.token));
    expect(JSON.stringify(list.body)).not.toContain(generated.secret);

    const supplied = await postChannel(team, {
      name: uniqueName(),
      provider: 'webhook',
      config: { url: 'https://hooks.example.com/own', secret: 'my-own-secret-value' },
      events: ['host.up'],
    });
    expect(supplied.status).toBe(201);
    expectChannel(supplied.body);
    expect(JSON.stringify(supplied.body)).not.toContain('my-own-secret-value');

    // Non-webhook channels never carry `secret`.
    for (const provider of ['discord', 'slack', 'teams', 'googlechat', 'telegram', 'matrix']) {
      expectChannel(await createChannel(team, { provider }));
    }
  });

  it('GET /v1/channels is a bare array, newest first, only the team’s channels', async () => {
    const fresh = await newTeam();
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await createChannel(fresh)).id);
    await createChannel(await newTeam());
    const res = await request(api.app).get('/v1/channels').set(auth(fresh.token));
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body)).toBe(true);
    expect(res.body.map((c: { id: string }) => c.id)).toEqual([...ids].reverse());
    for (const channel of res.body) expectChannel(channel);
  });

  it('PATCH takes any of name, events, enabled', async () => {
    const channel = await createChannel(team, { events: ['host.up'] });
    const path = `/v1/channels/${channel.id}`;
    const renamed = await request(api.app).patch(path).set(auth(team.token)).send({ name: ' Renamed Channel ' });
    expect(renamed.status).toBe(200);
    expectChannel(renamed.body);
    expect(renamed.body).toMatchObject({ name: 'renamed-channel', events: ['host.up'], enabled: true });
    const events = await request(api.app)
      .patch(path)
      .set(auth(team.token))
      .send({ events: ['host.down', 'host.down', 'capsule.paused'] });
    expect(events.status).toBe(200);
    expect([...events.body.events].sort()).toEqual(['capsule.paused', 'host.down']);
    const disabled = await request(api.app).patch(path).set(auth(team.token)).send({ enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    const all = await request(api.app)
      .patch(path)
      .set(auth(team.token))
      .send({ name: 'renamed-again', events: ['host.up'], enabled: true });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      name: 'renamed-again',
      events: ['host.up'],
      enabled: true,
      disabled_reason: null,
    });
    expect((await request(api.app).get(path).set(auth(team.token))).body).toEqual(all.body);
    for (const body of [{ events: [] }, { events: ['channel.test'] }, { name: '-x' }, { enabled: 'yes' }]) {
      expectError(await request(api.app).patch(path).set(auth(team.token)).send(body), 400, 'invalid_request');
    }
    const taken = await createChannel(team);
    const clash = await request(api.app).patch(path).set(auth(team.token)).send({ name: taken.name });
    expectError(clash, 409, 'conflict');
  });

  it('PUT config replaces the whole config, re-enables, and handles webhook secrets', async () => {
    const discord = await createChannel(team, {
      provider: 'discord',
      config: { webhook_url: DISCORD_URL, thread_id: '123456789012345678' },
    });
    expect(discord.config_fields).toEqual(['thread_id', 'webhook_url']);
    const uuid = parseId('channel', discord.id) as string;
    await api.deps.db
      .updateTable('channels')
      .set({ enabled: false, disabled_reason: 'discord answered 404 five times', consecutive_failures: 5 })
      .where('id', '=', uuid)
      .execute();
    const before = await request(api.app).get(`/v1/channels/${discord.id}`).set(auth(team.token));
    expect(before.body).toMatchObject({ enabled: false, disabled_reason: 'discord answered 404 five times' });
    const replaced = await request(api.app)
      .put(`/v1/channels/${discord.id}/config`)
      .set(auth(team.token))
      .send({ config: { webhook_url: DISCORD_URL.replace('discord.com', 'canary.discord.com') } });
    expect(replaced.status).toBe(200);
    expectChannel(replaced.body);
    expect(replaced.body).toMatchObject({ config_fields: ['webhook_url'], enabled: true, disabled_reason: null });

    const hook = await createChannel(team, { provider: 'webhook', config: { url: 'https://hooks.example.com/1' } });
    const rotated = await request(api.app)
      .put(`/v1/channels/${hook.id}/config`)
      .set(auth(team.token))
      .send({ config: { url: 'https://hooks.example.com/2' } });
    expect(rotated.status).toBe(200);
    expectChannel(rotated.body, { secret: true });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    const own = await request(api.app)
      .put(`/v1/channels/${hook.id}/config`)
      .set(auth(team.token))
      .send({ config: { url: 'https://hooks.example.com/3', secret: 'rotated-own-secret' } });
    expect(own.status).toBe(200);
    expectChannel(own.body);
    expect(JSON.stringify(own.body)).not.toContain('rotated-own-secret');
    expect(own.body.config_fields).toEqual(['secret', 'url']);

    for (const body of [
      { config: { url: 'ftp://hooks.example.com/x' } },
      { config: { url: 'https://hooks.example.com/x', nope: 'x' } },
      { config: { webhook_url: 'https://hooks.example.com/x' } },
      { config: 'x' },
      {},
    ]) {
      expectError(
        await request(api.app).put(`/v1/channels/${hook.id}/config`).set(auth(team.token)).send(body),
        400,
        'invalid_request',
      );
    }
  });

  it('DELETE is 204, then 404', async () => {
    const channel = await createChannel(team);
    const res = await request(api.app).delete(`/v1/channels/${channel.id}`).set(auth(team.token));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await request(api.app).delete(`/v1/channels/${channel.id}`).set(auth(team.token)), 404, 'not_found');
    expectError(await request(api.app).get(`/v1/channels/${channel.id}`).set(auth(team.token)), 404, 'not_found');
  });
});

describe('4.3 URL and token shapes', () => {
  let team: Team;
  beforeAll(async () => {
    team = await newTeam();
  });

  async function accepts(provider: string, config: Record<string, string>) {
    const res = await postChannel(team, { name: uniqueName(), provider, config, events: ['host.up'] });
    expect(res.status, `${provider} ${JSON.stringify(config)}: ${JSON.stringify(res.body)}`).toBe(201);
    return res;
  }
  async function rejects(provider: string, config: Record<string, string>) {
    const res = await postChannel(team, { name: uniqueName(), provider, config, events: ['host.up'] });
    expectError(res, 400, 'invalid_request');
    // The test route validates the same way (each probe from a team of its own: 10 test sends per team and minute).
    const tester = await newTeam();
    const test = await request(api.app).post('/v1/channels/test').set(auth(tester.token)).send({ provider, config });
    expectError(test, 400, 'invalid_request');
    return res;
  }

  it('discord', async () => {
    // Real tokens are 68 characters of [A-Za-z0-9_-]; 60 to 100 are accepted.
    const token = `AbC-dEf_ghIJKLmnopQRstuvWXyz0123456789${'x'.repeat(30)}`;
    for (const url of [
      `https://discord.com/api/webhooks/12345678901234567/${token}`,
      `https://discord.com/api/webhooks/1234567890123456789/${token}`,
      `https://discord.com/api/webhooks/12345678901234567890/${token}`,
      `https://discord.com/api/webhooks/123456789012345678/${'t'.repeat(60)}`,
      `https://discord.com/api/webhooks/123456789012345678/${'t'.repeat(100)}`,
      `https://discordapp.com/api/webhooks/123456789012345678/${token}`,
      `https://ptb.discord.com/api/webhooks/123456789012345678/${token}`,
      `https://canary.discord.com/api/webhooks/123456789012345678/${token}`,
      `https://discord.com/api/v10/webhooks/123456789012345678/${token}`,
      `https://discord.com/api/v9/webhooks/123456789012345678/${token}`,
    ]) {
      await accepts('discord', { webhook_url: url });
    }
    const plain = await rejects('discord', {
      webhook_url: `http://discord.com/api/webhooks/123456789012345678/${token}`,
    });
    expect(plain.body.error.message).toContain('https is required');
    for (const url of [
      `https://discord.com/api/webhooks/1234567890123456/${token}`,
      `https://discord.com/api/webhooks/123456789012345678901/${token}`,
      `https://discord.com/api/webhooks/12345678901234567a/${token}`,
      // A truncated paste, and a token too long to be one.
      `https://discord.com/api/webhooks/123456789012345678/${token.slice(0, 59)}`,
      `https://discord.com/api/webhooks/123456789012345678/${'t'.repeat(101)}`,
      'https://discord.com/api/webhooks/123456789012345678',
      `https://discord.com/webhooks/123456789012345678/${token}`,
      `https://evil.com/api/webhooks/123456789012345678/${token}`,
      `https://discord.com.evil.com/api/webhooks/123456789012345678/${token}`,
      `ftp://discord.com/api/webhooks/123456789012345678/${token}`,
      'not a url',
    ]) {
      await rejects('discord', { webhook_url: url });
    }
  });

  it('slack', async () => {
    await accepts('slack', { webhook_url: SLACK_URL });
    const plain = await rejects('slack', { webhook_url: SLACK_URL.replace('https:', 'http:') });
    expect(plain.body.error.message).toContain('https is required');
    await accepts('slack', {
      webhook_url: 'https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx',
    });
    await accepts('slack', { webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' });
    for (const url of [
      'https://hooks.slack.com/triggers/T000/123/abc',
      'https://hooks.slack.com/workflows/T000/A000/123/abc',
      'https://slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'https://hooks.slack.com.evil.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'https://hooks.slack.com/',
      'https://hooks.example.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    ]) {
      await rejects('slack', { webhook_url: url });
    }
  });

  it('teams: Workflows hosts accepted, retired connector URLs refused with an explanation', async () => {
    for (const url of [
      TEAMS_URL,
      'https://default0123456789abcdef.01.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0123456789abcdef/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=sigValue0123456789',
      'https://make.powerautomate.com/workflows/0123456789abcdef/triggers/manual/paths/invoke?api-version=1&sig=sigValue0123456789',
    ]) {
      await accepts('teams', { webhook_url: url });
    }
    const plain = await rejects('teams', { webhook_url: TEAMS_URL.replace('https:', 'http:') });
    expect(plain.body.error.message).toContain('https is required');
    for (const url of [
      'https://contoso.webhook.office.com/webhookb2/0000-1111@2222-3333/IncomingWebhook/abcdef/4444-5555',
      'https://outlook.office.com/webhook/0000-1111@2222-3333/IncomingWebhook/abcdef/4444-5555',
    ]) {
      const res = await rejects('teams', { webhook_url: url });
      expect(res.body.error.message).toMatch(/retired|connector/i);
    }
    for (const url of [
      'https://example.com/workflows/abc?sig=x',
      'https://logic.azure.com.evil.com/workflows/abc?sig=x',
      'https://prod-12.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke',
    ]) {
      await rejects('teams', { webhook_url: url });
    }
  });

  it('google chat: spaces/{space}/messages with key and token', async () => {
    await accepts('googlechat', { webhook_url: GCHAT_URL });
    const plain = await rejects('googlechat', { webhook_url: GCHAT_URL.replace('https:', 'http:') });
    expect(plain.body.error.message).toContain('https is required');
    for (const url of [
      'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k0123456789',
      'https://chat.googleapis.com/v1/spaces/AAAA/messages?token=t0123456789',
      'https://chat.googleapis.com/v1/spaces/AAAA?key=k&token=t',
      'https://chat.example.com/v1/spaces/AAAA/messages?key=k&token=t',
    ]) {
      await rejects('googlechat', { webhook_url: url });
    }
  });

  it('telegram: token ^\\d+:[A-Za-z0-9_-]{35}$', async () => {
    await accepts('telegram', { bot_token: `1:${'a'.repeat(35)}`, chat_id: '12345' });
    await accepts('telegram', { bot_token: `987654321:${'A_b-9'.repeat(7)}`, chat_id: '@wrenn_alerts' });
    for (const token of [
      `1:${'a'.repeat(34)}`,
      `1:${'a'.repeat(36)}`,
      `a1:${'a'.repeat(35)}`,
      `:${'a'.repeat(35)}`,
      `1:${'a'.repeat(34)}!`,
      'x',
    ]) {
      await rejects('telegram', { bot_token: token, chat_id: '12345' });
    }
  });

  it('matrix: room !id:server or #alias:server, homeserver https (or http where private targets are allowed)', async () => {
    const base = { homeserver_url: 'https://matrix.example.org', access_token: 'syt_token0123456789' };
    await accepts('matrix', { ...base, room_id: '!OpaqueId:example.org' });
    await accepts('matrix', { ...base, room_id: '#ops:example.org' });
    await accepts('matrix', { ...base, homeserver_url: 'http://matrix.example.org:8008', room_id: '!r:example.org' });
    for (const room of [
      '!OpaqueIdWithoutServer',
      '#alias',
      'ops:example.org',
      '@user:example.org',
      '!:example.org',
      '#:example.org',
    ]) {
      await rejects('matrix', { ...base, room_id: room });
    }
    await rejects('matrix', { ...base, homeserver_url: 'matrix.example.org', room_id: '!r:example.org' });
  });

  it('webhook: http and https URLs', async () => {
    await accepts('webhook', { url: 'http://hooks.example.com/x' });
    await accepts('webhook', { url: 'https://hooks.example.com/x?a=b' });
    for (const url of ['ftp://hooks.example.com/x', 'hooks.example.com/x', 'https://user:pw@hooks.example.com/x', '']) {
      await rejects('webhook', { url });
    }
  });
});

describe('4.3 outbound safety at create, rotate and test', () => {
  it('a loopback or private target is 400', async () => {
    const team = await newTeam(strictApi);
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://localhost:9/x',
      'http://10.0.0.1/x',
      'http://169.254.169.254/latest',
      'http://[::1]/x',
    ]) {
      const create = await postChannel(
        team,
        { name: uniqueName(), provider: 'webhook', config: { url }, events: ['host.up'] },
        strictApi,
      );
      expectError(create, 400, 'invalid_request');
      const test = await request(strictApi.app)
        .post('/v1/channels/test')
        .set(auth(team.token))
        .send({ provider: 'webhook', config: { url } });
      expectError(test, 400, 'invalid_request');
    }
    const matrix = await postChannel(
      team,
      {
        name: uniqueName(),
        provider: 'matrix',
        config: { ...CONFIGS.matrix, homeserver_url: 'http://192.168.1.10:8008' },
        events: ['host.up'],
      },
      strictApi,
    );
    expectError(matrix, 400, 'invalid_request');
    const channel = await createChannel(
      team,
      { provider: 'webhook', config: { url: 'https://8.8.8.8/hook' } },
      strictApi,
    );
    const rotate = await request(strictApi.app)
      .put(`/v1/channels/${channel.id}/config`)
      .set(auth(team.token))
      .send({ config: { url: 'http://127.0.0.1:8080/hook' } });
    expectError(rotate, 400, 'invalid_request');
  });
});

describe('4.3 test sends', () => {
  let team: Team;
  let receiver: FakeWebhookReceiver;
  beforeAll(async () => {
    team = await newTeam();
  });
  beforeEach(async () => {
    receiver = await startFakeWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('POST /v1/channels/test sends a signed channel.test event and answers 200 {"status":"ok"}', async () => {
    const secret = 'plain-text-test-secret';
    const res = await request(api.app)
      .post('/v1/channels/test')
      .set(auth(team.token))
      .send({ provider: 'webhook', config: { url: receiver.url, secret } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expectSignedWebhook(got.request, secret);
    const payload = got.payload as Record<string, unknown>;
    expect(Object.keys(payload).sort()).toEqual(EVENT_KEYS);
    expect(payload).toMatchObject({
      event: 'channel.test',
      team_id: team.teamId,
      actor: { type: 'user', id: team.userId, name: 'Ada' },
    });
    expect(payload.id).toMatch(ID('evt'));
    expect(payload.timestamp).toMatch(RFC3339_UTC);
  });

  it('POST /v1/channels/{id}/test uses the stored config (generated whsec_ secret)', async () => {
    const channel = await createChannel(team, { provider: 'webhook', config: { url: receiver.url } });
    const res = await request(api.app).post(`/v1/channels/${channel.id}/test`).set(auth(team.token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expectSignedWebhook(receiver.received[0]!.request, channel.secret as string);
  });

  it('a user whsec_ secret keys the HMAC with its decoded bytes', async () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    const channel = await createChannel(team, { provider: 'webhook', config: { url: receiver.url, secret } });
    expect((await request(api.app).post(`/v1/channels/${channel.id}/test`).set(auth(team.token))).status).toBe(200);
    expectSignedWebhook(receiver.received[0]!.request, secret);
  });

  it('a refusing provider is 502 delivery_failed without secrets', async () => {
    const secret = 'secret-that-must-not-leak-0123';
    receiver.failNext({ status: 500, body: { error: `boom ${secret}` } });
    const url = `${receiver.url}?token=querytoken0123456789`;
    const res = await request(api.app)
      .post('/v1/channels/test')
      .set(auth(team.token))
      .send({ provider: 'webhook', config: { url, secret } });
    expectError(res, 502, 'delivery_failed');
    expect(JSON.stringify(res.body)).not.toContain(secret);
    expect(JSON.stringify(res.body)).not.toContain('querytoken0123456789');
    const stored = await createChannel(team, { provider: 'webhook', config: { url: receiver.url } });
    receiver.failNext({ status: 404 });
    const byId = await request(api.app).post(`/v1/channels/${stored.id}/test`).set(auth(team.token));
    expectError(byId, 502, 'delivery_failed');
  });

  it('an invalid config is 400 and nothing is sent', async () => {
    const res = await request(api.app)
      .post('/v1/channels/test')
      .set(auth(team.token))
      .send({ provider: 'webhook', config: { url: receiver.url, nope: 'x' } });
    expectError(res, 400, 'invalid_request');
    expectError(
      await request(api.app).post('/v1/channels/test').set(auth(team.token)).send({ provider: 'pigeon', config: {} }),
      400,
      'invalid_request',
    );
    expect(receiver.received).toHaveLength(0);
  });
});

describe('4.3 deliveries', () => {
  it('lists {"items","next_before"} newest first with the delivery object’s keys; retry is 202', async () => {
    const team = await newTeam();
    const channel = await createChannel(team);
    const empty = await request(api.app).get(`/v1/channels/${channel.id}/deliveries`).set(auth(team.token));
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ items: [], next_before: null });

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { eventIds } = await api.deps.audit.record([
        { team_id: team.teamId, actor: { type: 'system' }, resource_type: 'sandbox', action: 'create' },
      ]);
      const delivery = newId('delivery');
      await api.deps.db
        .insertInto('deliveries')
        .values({
          id: delivery.uuid,
          event_id: parseId('event', eventIds[0]) as string,
          channel_id: parseId('channel', channel.id) as string,
          team_id: parseId('team', team.teamId) as string,
          event_type: 'capsule.created',
          status: 'failed',
          attempts: 3,
          last_status_code: 503,
          last_error: 'HTTP 503',
          created_at: new Date(Date.now() - (10 - i) * 1000),
          updated_at: new Date(),
        })
        .execute();
      ids.push(delivery.id);
    }
    const page = await request(api.app).get(`/v1/channels/${channel.id}/deliveries?limit=2`).set(auth(team.token));
    expect(page.status).toBe(200);
    expect(Object.keys(page.body).sort()).toEqual(['items', 'next_before']);
    expect(page.body.items.map((d: { id: string }) => d.id)).toEqual([ids[2], ids[1]]);
    for (const item of page.body.items) {
      expect(Object.keys(item).sort()).toEqual(DELIVERY_KEYS);
      expect(item).toMatchObject({
        event: 'capsule.created',
        status: 'failed',
        attempts: 3,
        last_status_code: 503,
        delivered_at: null,
      });
      expect(item.event_id).toMatch(ID('evt'));
      expect(item.created_at).toMatch(RFC3339);
    }
    const next = await request(api.app)
      .get(`/v1/channels/${channel.id}/deliveries?limit=2&before=${page.body.next_before}`)
      .set(auth(team.token));
    expect(next.body.items.map((d: { id: string }) => d.id)).toEqual([ids[0]]);
    expect(next.body.next_before).toBeNull();

    const retry = await request(api.app)
      .post(`/v1/channels/${channel.id}/deliveries/${ids[0]}/retry`)
      .set(auth(team.token));
    expect(retry.status).toBe(202);
    const after = await request(api.app).get(`/v1/channels/${channel.id}/deliveries`).set(auth(team.token));
    const retried = after.body.items.find((d: { id: string }) => d.id === ids[0]);
    expect(retried.status).toBe('pending');
    const other = await newTeam();
    expectError(
      await request(api.app).post(`/v1/channels/${channel.id}/deliveries/${ids[0]}/retry`).set(auth(other.token)),
      404,
      'not_found',
    );
    const otherChannel = await createChannel(team);
    expectError(
      await request(api.app).post(`/v1/channels/${otherChannel.id}/deliveries/${ids[0]}/retry`).set(auth(team.token)),
      404,
      'not_found',
    );
  });
});

// ---------------------------------------------------------------------------
// 4.4 Audit log

describe('4.4 audit log', () => {
  const ITEM_KEYS = [
    'action',
    'actor_id',
    'actor_name',
    'actor_type',
    'created_at',
    'id',
    'metadata',
    'resource_id',
    'resource_type',
    'scope',
    'status',
  ];

  it('channel operations write create, update, rotate_config, delete with name and provider, never config', async () => {
    const team = await newTeam();
    const channel = await createChannel(team, {
      provider: 'webhook',
      name: 'audited',
      config: { url: 'https://hooks.example.com/a', secret: 'audit-secret-value' },
    });
    await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(auth(team.token))
      .send({ enabled: false })
      .expect(200);
    await request(api.app)
      .put(`/v1/channels/${channel.id}/config`)
      .set(auth(team.token))
      .send({ config: { url: 'https://hooks.example.com/b', secret: 'rotated-audit-secret' } })
      .expect(200);
    await request(api.app).delete(`/v1/channels/${channel.id}`).set(auth(team.token)).expect(204);

    const res = await request(api.app).get('/v1/audit-logs?resource_type=channel').set(auth(team.token));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['items', 'next_before']);
    expect(res.body.items.map((i: { action: string }) => i.action)).toEqual([
      'delete',
      'rotate_config',
      'update',
      'create',
    ]);
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual(ITEM_KEYS);
      expect(item).toMatchObject({
        actor_type: 'user',
        actor_id: team.userId,
        actor_name: 'Ada',
        resource_type: 'channel',
        resource_id: channel.id,
        scope: 'team',
      });
      expect(item.metadata).toMatchObject({ name: 'audited', provider: 'webhook' });
      expect(item.id).toMatch(ID('log'));
      expect(item.created_at).toMatch(RFC3339);
    }
    const text = JSON.stringify(res.body);
    for (const secret of ['audit-secret-value', 'rotated-audit-secret', 'hooks.example.com'])
      expect(text).not.toContain(secret);
  });

  it('items omit empty actor_id, actor_name and resource_id; newest first; filters; team-scoped', async () => {
    const team = await newTeam(api, 'member');
    expect(
      (await ingest(entry(team.teamId, { actor: { type: 'system' }, resource_id: undefined, action: 'first' }))).status,
    ).toBe(202);
    await new Promise((r) => setTimeout(r, 5));
    expect(
      (
        await ingest(
          entry(team.teamId, {
            actor: { type: 'api_key', id: 'key-abc', name: '' },
            resource_id: '',
            action: 'second',
            status: 'warning',
          }),
        )
      ).status,
    ).toBe(202);
    await new Promise((r) => setTimeout(r, 5));
    expect((await ingest(entry(team.teamId, { action: 'third', resource_type: 'team' }))).status).toBe(202);
    await ingest(entry(newTeamId(), { action: 'elsewhere' }));

    const res = await request(api.app).get('/v1/audit-logs').set(auth(team.token));
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { action: string }) => i.action)).toEqual(['third', 'second', 'first']);
    const [, second, first] = res.body.items;
    expect(Object.keys(first).sort()).toEqual([
      'action',
      'actor_type',
      'created_at',
      'id',
      'metadata',
      'resource_type',
      'scope',
      'status',
    ]);
    expect(Object.keys(second).sort()).toEqual([
      'action',
      'actor_id',
      'actor_type',
      'created_at',
      'id',
      'metadata',
      'resource_type',
      'scope',
      'status',
    ]);
    expect(second).toMatchObject({ actor_type: 'api_key', actor_id: 'key-abc', status: 'warning' });
    expect(first).toMatchObject({
      actor_type: 'system',
      scope: 'team',
      status: 'success',
      metadata: { template: 'python-3.12' },
    });

    const filtered = await request(api.app).get('/v1/audit-logs?resource_type=team').set(auth(team.token));
    expect(filtered.body.items.map((i: { action: string }) => i.action)).toEqual(['third']);
    const byAction = await request(api.app).get('/v1/audit-logs?action=second').set(auth(team.token));
    expect(byAction.body.items.map((i: { action: string }) => i.action)).toEqual(['second']);
    const paged = await request(api.app).get('/v1/audit-logs?limit=2').set(auth(team.token));
    expect(paged.body.items).toHaveLength(2);
    expect(paged.body.next_before).toBe(paged.body.items[1].id);
    const rest = await request(api.app)
      .get(`/v1/audit-logs?limit=2&before=${paged.body.next_before}`)
      .set(auth(team.token));
    expect(rest.body.items.map((i: { action: string }) => i.action)).toEqual(['first']);
    expect(rest.body.next_before).toBeNull();
  });

  it('entries of one ingest request are listed newest (last) first', async () => {
    const team = await newTeam();
    const res = await ingest(['a', 'b', 'c', 'd', 'e'].map((action) => entry(team.teamId, { action })));
    expect(res.status).toBe(202);
    const list = await request(api.app).get('/v1/audit-logs').set(auth(team.token));
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([...res.body.ids].reverse());
  });

  it('admin-scope entries are listed only for owners and admins', async () => {
    const teamId = newTeamId();
    expect(
      (
        await ingest([
          entry(teamId, { scope: 'admin', action: 'add', resource_type: 'member' }),
          entry(teamId, { action: 'rename', resource_type: 'team' }),
        ])
      ).status,
    ).toBe(202);
    const list = async (role: 'owner' | 'admin' | 'member') => {
      const token = await api.token({ team_id: teamId, role });
      const res = await request(api.app).get('/v1/audit-logs').set(auth(token));
      return res.body.items.map((i: { scope: string; action: string }) => `${i.scope}:${i.action}`).sort();
    };
    expect(await list('owner')).toEqual(['admin:add', 'team:rename']);
    expect(await list('admin')).toEqual(['admin:add', 'team:rename']);
    expect(await list('member')).toEqual(['team:rename']);
  });
});

// ---------------------------------------------------------------------------
// 4.5 Ingestion

describe('4.5 ingestion', () => {
  it('one entry or an array of 1–500 → 202 {"ids":["log-…"]}', async () => {
    const teamId = newTeamId();
    const one = await ingest(entry(teamId));
    expect(one.status).toBe(202);
    expect(Object.keys(one.body)).toEqual(['ids']);
    expect(one.body.ids).toHaveLength(1);
    expect(one.body.ids[0]).toMatch(ID('log'));
    const many = await ingest(Array.from({ length: 500 }, () => entry(teamId)));
    expect(many.status).toBe(202);
    expect(many.body.ids).toHaveLength(500);
    expect(new Set(many.body.ids).size).toBe(500);
    expect(await countAuditRows(teamId)).toBe(501);
  });

  it('0 or 501 entries, or any invalid entry: 400 and nothing stored', async () => {
    const teamId = newTeamId();
    expectError(await ingest([]), 400, 'invalid_request');
    expectError(await ingest(Array.from({ length: 501 }, () => entry(teamId))), 400, 'invalid_request');
    const invalid: Array<Record<string, unknown>> = [
      { team_id: undefined },
      { team_id: 'team-x' },
      { team_id: newId('user').id },
      { actor: undefined },
      { actor: { type: 'robot' } },
      { actor: { id: 'usr-x' } },
      { resource_type: undefined },
      { action: undefined },
      { scope: 'global' },
      { status: 'ok' },
      { metadata: [1, 2] },
      { metadata: 'x' },
    ];
    for (const overrides of invalid) {
      expectError(await ingest([entry(teamId), entry(teamId, overrides)]), 400, 'invalid_request');
      expectError(await ingest(entry(teamId, overrides)), 400, 'invalid_request');
    }
    for (const body of ['x', 1, true, null, [[entry(teamId)]]]) expectError(await ingest(body), 400, 'invalid_request');
    expect(await countAuditRows(teamId)).toBe(0);
  });

  it('defaults scope team and status success; optional fields may be absent', async () => {
    const team = await newTeam();
    const res = await ingest({
      team_id: team.teamId,
      actor: { type: 'system' },
      resource_type: 'host',
      action: 'marked_up',
    });
    expect(res.status).toBe(202);
    const list = await request(api.app).get('/v1/audit-logs').set(auth(team.token));
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ scope: 'team', status: 'success', actor_type: 'system', metadata: {} });
  });

  it('accepts long strings', async () => {
    const teamId = newTeamId();
    const long = 'x'.repeat(200_000);
    const res = await ingest(
      entry(teamId, {
        resource_id: `cl-${long}`,
        actor: { type: 'user', id: newUserId(), name: long },
        metadata: { template: long, nested: { deep: long } },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const many = await ingest(entry(teamId, { resource_type: 'y'.repeat(100_000), action: 'z'.repeat(100_000) }));
    expect(many.status, JSON.stringify(many.body)).toBe(202);
  });
});

// ---------------------------------------------------------------------------
// 4.6 Operations

describe('4.6 operations', () => {
  it('/health, /ready, /metrics, /openapi.json and /docs', async () => {
    expect((await request(api.app).get('/health')).status).toBe(200);
    expect((await request(api.app).get('/ready')).status).toBe(200);
    const metrics = await request(api.app).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/^# (HELP|TYPE) /m);
    const docs = await request(api.app).get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    const openapi = await request(api.app).get('/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\.1\./);
    const expected: Array<[string, string]> = [
      ['post', '/v1/channels'],
      ['get', '/v1/channels'],
      ['get', '/v1/channels/{id}'],
      ['patch', '/v1/channels/{id}'],
      ['put', '/v1/channels/{id}/config'],
      ['delete', '/v1/channels/{id}'],
      ['post', '/v1/channels/test'],
      ['post', '/v1/channels/{id}/test'],
      ['get', '/v1/channels/{id}/deliveries'],
      ['post', '/v1/channels/{id}/deliveries/{dlv}/retry'],
      ['get', '/v1/audit-logs'],
      ['post', '/internal/v1/audit'],
      ['get', '/health'],
      ['get', '/ready'],
      ['get', '/metrics'],
      ['get', '/openapi.json'],
      ['get', '/docs'],
    ];
    for (const [method, path] of expected) expect(openapi.body.paths[path], `${method} ${path}`).toHaveProperty(method);
  });
});

describe('4.6 readiness', () => {
  it('/ready is 503 unavailable, with the error body, when a dependency is unreachable', async () => {
    const redis = { ping: () => Promise.reject(new Error('connect ECONNREFUSED')) } as unknown as ApiDeps['redis'];
    const app = createApp({ ...api.deps, redis, metrics: createMetricsRegistry('api') });
    const res = await request(app).get('/ready');
    expectError(res, 503, 'unavailable');
    expect((await request(app).get('/health')).status).toBe(200);
  });
});

// ---------------------------------------------------------------------------
// 5. Events

describe('5 events', () => {
  async function eventsOf(teamId: string) {
    return api.deps.db
      .selectFrom('events')
      .selectAll()
      .where('team_id', '=', parseId('team', teamId) as string)
      .orderBy('created_at')
      .execute();
  }

  it('maps the eight audit actions and stores the others without an event', async () => {
    const teamId = newTeamId();
    const mapping: Array<[string, string, string]> = [
      ['sandbox', 'create', 'capsule.created'],
      ['sandbox', 'resume', 'capsule.running'],
      ['sandbox', 'pause', 'capsule.paused'],
      ['sandbox', 'destroy', 'capsule.destroyed'],
      ['snapshot', 'create', 'template.snapshot.created'],
      ['snapshot', 'delete', 'template.snapshot.deleted'],
      ['host', 'marked_up', 'host.up'],
      ['host', 'marked_down', 'host.down'],
    ];
    for (const [resource_type, action, event] of mapping) {
      const before = (await eventsOf(teamId)).length;
      expect((await ingest(entry(teamId, { resource_type, action }))).status).toBe(202);
      const events = await eventsOf(teamId);
      expect(events.length, `${resource_type}/${action}`).toBe(before + 1);
      expect(events.at(-1)?.event_type).toBe(event);
    }
    const paused = await ingest(
      entry(teamId, { resource_type: 'sandbox', action: 'pause', actor: { type: 'system' }, status: 'info' }),
    );
    expect(paused.status).toBe(202);
    expect((await eventsOf(teamId)).at(-1)?.event_type).toBe('capsule.paused');
    const countBefore = (await eventsOf(teamId)).length;
    const stored = [
      ['team', 'rename'],
      ['api_key', 'create'],
      ['api_key', 'revoke'],
      ['member', 'add'],
      ['host', 'create'],
      ['host', 'delete'],
      ['channel', 'create'],
      ['sandbox', 'constructor'],
      ['sandbox', 'toString'],
      ['snapshot', 'pause'],
      ['capsule', 'create'],
    ];
    const res = await ingest(stored.map(([resource_type, action]) => entry(teamId, { resource_type, action })));
    expect(res.status).toBe(202);
    expect(res.body.ids).toHaveLength(stored.length);
    expect((await eventsOf(teamId)).length).toBe(countBefore);
  });

  it('the event payload has exactly the documented fields, and is the webhook body byte for byte', async () => {
    const teamId = newTeamId();
    const userId = newUserId();
    const resourceId = newId('capsule').id;
    expect(
      (
        await ingest([
          entry(teamId, {
            actor: { type: 'user', id: userId, name: 'Ada' },
            resource_id: resourceId,
            metadata: { template: 'python-3.12' },
          }),
          entry(teamId, {
            actor: { type: 'system' },
            resource_type: 'host',
            action: 'marked_down',
            resource_id: 'host-1',
            metadata: undefined,
          }),
          entry(teamId, { actor: { type: 'api_key', id: '', name: '' }, action: 'destroy' }),
        ])
      ).status,
    ).toBe(202);
    const rows = await eventsOf(teamId);
    expect(rows).toHaveLength(3);
    const payloads = rows.map((r) => r.payload as unknown as Record<string, unknown>);
    const created = payloads.find((p) => p.event === 'capsule.created')!;
    expect(Object.keys(created).sort()).toEqual(EVENT_KEYS);
    expect(created).toEqual({
      id: formatEvt(rows.find((r) => r.event_type === 'capsule.created')!.id),
      event: 'capsule.created',
      timestamp: created.timestamp,
      team_id: teamId,
      actor: { type: 'user', id: userId, name: 'Ada' },
      resource: { id: resourceId, type: 'sandbox' },
      metadata: { template: 'python-3.12' },
    });
    expect(created.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const down = payloads.find((p) => p.event === 'host.down')!;
    expect(down.actor).toEqual({ type: 'system' });
    expect(down.metadata).toEqual({});
    expect(down.resource).toEqual({ id: 'host-1', type: 'host' });
    const destroyed = payloads.find((p) => p.event === 'capsule.destroyed')!;
    expect(destroyed.actor).toEqual({ type: 'api_key' });

    const receiver = await startFakeWebhookReceiver();
    try {
      const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
      const deliveryId = newId('delivery').id;
      const outcome = await sendEvent(
        'webhook',
        { deliveryId, event: created as never, config: { url: receiver.url, secret } },
        { settings: api.deps.providerSettings, http: api.deps.http },
      );
      expect(outcome.kind).toBe('ok');
      const got = receiver.received[0]!;
      expect(got.request.body).toBe(JSON.stringify(created));
      expectSignedWebhook(got.request, secret);
      expect(header(got.request, 'webhook-id')).toBe(deliveryId);
      expect(header(got.request, 'user-agent')).toBe(api.deps.providerSettings.userAgent);
    } finally {
      await receiver.close();
    }
  });
});

function formatEvt(uuid: string): string {
  const n = BigInt(`0x${uuid.replaceAll('-', '')}`);
  return `evt-${n.toString(36).padStart(25, '0')}`;
}

// ---------------------------------------------------------------------------
// 7. Stored secrets

describe('7 stored secrets', () => {
  it('each config value is base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag), AES-256-GCM', async () => {
    const team = await newTeam();
    const config = { ...CONFIGS.telegram, message_thread_id: '7' };
    const channel = await createChannel(team, { provider: 'telegram', config });
    const row = await api.deps.db
      .selectFrom('channels')
      .select(['config'])
      .where('id', '=', parseId('channel', channel.id) as string)
      .executeTakeFirstOrThrow();
    const stored = row.config as Record<string, string>;
    expect(Object.keys(stored).sort()).toEqual(['bot_token', 'chat_id', 'message_thread_id']);
    const key = Buffer.from(api.encryptionKey, 'hex');
    for (const [name, sealed] of Object.entries(stored)) {
      expect(sealed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      const raw = Buffer.from(sealed, 'base64');
      const plain = config[name as keyof typeof config] as string;
      expect(raw.length).toBe(12 + Buffer.byteLength(plain) + 16);
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const opened = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
        'utf8',
      );
      expect(opened).toBe(plain);
    }
  });
});

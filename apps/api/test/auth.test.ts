import { newId } from '@wrenn/events';
import { SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, signToken, type TestApi } from './support/test-api';

let api: TestApi;
let channelPath: string;

beforeAll(async () => {
  api = await createTestApi();
  const channel = await createChannel(api, await api.token());
  channelPath = `/v1/channels/${channel.id}`;
});
afterAll(async () => {
  await api.close();
});

const key = () => new TextEncoder().encode(api.deps.jwtSecret);
const claims = () => ({
  sub: newId('user').id,
  team_id: newId('team').id,
  role: 'owner',
  email: 'a@example.com',
  name: 'Ada',
});

/** Every JWT route of this feature, as [method, path]. */
const routes = (): Array<['get' | 'post' | 'patch' | 'put' | 'delete', string]> => [
  ['post', '/v1/channels'],
  ['get', '/v1/channels'],
  ['post', '/v1/channels/test'],
  ['get', channelPath],
  ['patch', channelPath],
  ['put', `${channelPath}/config`],
  ['delete', channelPath],
  ['post', `${channelPath}/test`],
  ['get', '/v1/audit-logs'],
];

/** Tokens and headers the API must reject (bad signature, other algorithm, expired, missing claims), each built independently of the service's code. */
async function rejectedCredentials(): Promise<Array<[string, Record<string, string>]>> {
  const hs256 = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...header })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key());
  const unsigned = (payload: Record<string, unknown>) =>
    `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
      JSON.stringify({ ...payload, exp: Math.floor(Date.now() / 1000) + 3600 }),
    ).toString('base64url')}.`;
  const c = claims();
  return [
    ['no Authorization header', {}],
    ['an empty bearer', { Authorization: 'Bearer ' }],
    ['Basic credentials', { Authorization: `Basic ${Buffer.from('ada:pw').toString('base64')}` }],
    ['a JWT without the Bearer scheme', { Authorization: await signToken(api.deps.jwtSecret) }],
    ['a malformed token', { Authorization: 'Bearer not.a.jwt.at.all' }],
    ['garbage with JWT shape', { Authorization: 'Bearer aaaa.bbbb.cccc' }],
    ['an expired token', { Authorization: `Bearer ${await signToken(api.deps.jwtSecret, {}, '-1m')}` }],
    [
      'a token signed with another key',
      { Authorization: `Bearer ${await signToken('another-secret-key-0123456789')}` },
    ],
    [
      'an HS512 token',
      {
        Authorization: `Bearer ${await new SignJWT(c).setProtectedHeader({ alg: 'HS512' }).setSubject(c.sub).setExpirationTime('1h').sign(key())}`,
      },
    ],
    ['an alg:none token', { Authorization: `Bearer ${unsigned(c)}` }],
    ['a host token (typ header)', { Authorization: `Bearer ${await hs256(c, { typ: 'host' })}` }],
    ['a host token (typ claim)', { Authorization: `Bearer ${await hs256({ ...c, typ: 'host' })}` }],
    [
      'a token without exp',
      { Authorization: `Bearer ${await new SignJWT(c).setProtectedHeader({ alg: 'HS256' }).sign(key())}` },
    ],
    ['a token without team_id', { Authorization: `Bearer ${await hs256({ ...c, team_id: undefined })}` }],
    ['a token with a malformed team_id', { Authorization: `Bearer ${await hs256({ ...c, team_id: 'team-1' })}` }],
    ['a token with an unknown role', { Authorization: `Bearer ${await hs256({ ...c, role: 'superuser' })}` }],
    ['a token whose sub is not a user id', { Authorization: `Bearer ${await hs256({ ...c, sub: 'key-abc' })}` }],
    ['an API key header', { 'X-API-Key': 'wrn_0123456789abcdef0123456789abcdef' }],
    [
      'an API key header next to a valid JWT',
      { 'X-API-Key': 'wrn_0123456789abcdef0123456789abcdef', Authorization: `Bearer ${await api.token()}` },
    ],
    ['an API key as bearer', { Authorization: 'Bearer wrn_0123456789abcdef0123456789abcdef' }],
    ['the internal token as bearer', { Authorization: `Bearer ${api.deps.internalToken}` }],
  ];
}

describe('JWT authentication', () => {
  it('rejects every non-JWT or invalid credential with 401 on every route', async () => {
    const credentials = await rejectedCredentials();
    for (const [label, headers] of credentials) {
      for (const [method, path] of routes()) {
        const res = await request(api.app)
          [method](path)
          .set(headers)
          .send(method === 'get' || method === 'delete' ? undefined : {});
        expect(res.status, `${label}: ${method} ${path}`).toBe(401);
        expect(res.body.error.code).toBe('unauthorized');
        expect(res.headers['content-type']).toMatch(/application\/json/);
      }
    }
  });

  it('accepts the platform token for every role, with or without is_admin', async () => {
    for (const role of ['owner', 'admin', 'member'] as const) {
      for (const is_admin of [true, false]) {
        const token = await api.token({ role, is_admin });
        const res = await request(api.app).get('/v1/channels').set(bearer(token));
        expect(res.status).toBe(200);
      }
    }
  });

  it('checks the token before anything else: a malformed id without a token is 401', async () => {
    const res = await request(api.app).get('/v1/channels/not-an-id');
    expect(res.status).toBe(401);
  });

  it('does not tell which part of a bad signature failed', async () => {
    const res = await request(api.app)
      .get('/v1/channels')
      .set('Authorization', `Bearer ${await signToken('x'.repeat(32))}`);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'invalid token' } });
  });
});

import { randomBytes } from 'node:crypto';
import { parseId } from '@wrenn/events';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, channelBody, createChannel } from './support/channel-fixtures';
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

const URL_OK = 'https://hooks.example.com/wrenn';
const whsec = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

/** The same config at create, at `PUT …/config` and at a test send: each a 400 naming the key, nothing stored. */
async function expectRefusedEverywhere(config: Record<string, string>, key: string) {
  const before = await request(api.app).get('/v1/channels').set(bearer(token));
  const create = await request(api.app)
    .post('/v1/channels')
    .set(bearer(token))
    .send(channelBody({ provider: 'webhook', config }));
  expect(create.status, JSON.stringify(create.body)).toBe(400);
  expect(create.body.error.code).toBe('invalid_request');
  expect(create.body.error.message).toContain(`config.${key}`);
  const after = await request(api.app).get('/v1/channels').set(bearer(token));
  expect(after.body).toHaveLength(before.body.length);

  const channel = await createChannel(api, token, { provider: 'webhook', config: { url: URL_OK } });
  const sealedConfig = () =>
    api.deps.db
      .selectFrom('channels')
      .select('config')
      .where('id', '=', parseId('channel', channel.id) as string)
      .executeTakeFirstOrThrow();
  const stored = await sealedConfig();
  const replace = await request(api.app).put(`/v1/channels/${channel.id}/config`).set(bearer(token)).send({ config });
  expect(replace.status, JSON.stringify(replace.body)).toBe(400);
  expect(replace.body.error.message).toContain(`config.${key}`);
  expect(await sealedConfig()).toEqual(stored);

  const test = await request(api.app)
    .post('/v1/channels/test')
    .set(bearer(token))
    .send({ provider: 'webhook', config });
  expect(test.status, JSON.stringify(test.body)).toBe(400);
}

describe('a lone surrogate in a config value (CONTRACT 4.3)', () => {
  it.each([
    ['secret', { url: URL_OK, secret: 'a-long-enough-secret-\ud800-here' }],
    ['secret', { url: URL_OK, secret: 'a-long-enough-secret-here-\udc00' }],
    ['url', { url: `${URL_OK}/\ud83d` }],
  ])('is a 400 in config.%s, never a 500', async (key, config) => {
    await expectRefusedEverywhere(config, key);
  });

  it('is told apart from a well-formed surrogate pair, which is accepted', async () => {
    const channel = await createChannel(api, token, {
      provider: 'webhook',
      config: { url: URL_OK, secret: 'emoji-secret-\ud83d\ude00-long-enough' },
    });
    expect(channel.config_fields).toEqual(['secret', 'url']);
  });
});

describe('a user-supplied webhook secret', () => {
  it.each([
    ['one character', 'a'],
    ['a NUL', '\u0000'],
    ['15 characters', 'fifteen-chars!!'],
    ['a whsec_ of 23 bytes', whsec(23)],
    ['a whsec_ of 65 bytes', whsec(65)],
    ['a whsec_ that is not base64', `whsec_${'!'.repeat(40)}`],
    ['a bare whsec_', 'whsec_'],
  ])('is refused when it is %s', async (_what, secret) => {
    await expectRefusedEverywhere({ url: URL_OK, secret }, 'secret');
  });

  it.each([
    ['16 characters', 'sixteen-chars-ok'],
    ['a whsec_ of 24 bytes', whsec(24)],
    ['a whsec_ of 32 bytes', whsec(32)],
    ['a whsec_ of 64 bytes', whsec(64)],
  ])('is accepted when it is %s, and never echoed', async (_what, secret) => {
    const channel = await createChannel(api, token, { provider: 'webhook', config: { url: URL_OK, secret } });
    expect(channel.secret).toBeUndefined();
    expect(JSON.stringify(channel)).not.toContain(secret);
  });

  it('left empty, is generated (the key is never empty)', async () => {
    const channel = await createChannel(api, token, { provider: 'webhook', config: { url: URL_OK, secret: '' } });
    expect(channel.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });

  it('never appears in the refusal', async () => {
    const secret = 'tooshort';
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send(channelBody({ provider: 'webhook', config: { url: URL_OK, secret } }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/at least 16 characters/);
    expect(res.body.error.message).not.toContain(secret);
  });
});

import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, channelBody, createChannel } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

/** A host name that resolves to an IPv4-compatible loopback address. */
const RESOLVES_TO_LOOPBACK = 'compat-loopback.example.com';

let strict: TestApi;
let token: string;

beforeAll(async () => {
  strict = await createTestApi({
    providerSettings: { allowPrivateTargets: false },
    outbound: {
      lookup: async (hostname) =>
        hostname === RESOLVES_TO_LOOPBACK
          ? [{ address: '::7f00:1', family: 6 }]
          : [{ address: '93.184.215.14', family: 4 }],
    },
  });
  token = await strict.token();
});
afterAll(async () => {
  await strict.close();
});

describe('IPv6 targets that embed a forbidden IPv4 address', () => {
  it.each([
    'http://[::127.0.0.1]:1/',
    'http://[::169.254.169.254]/latest/meta-data',
    'http://[::ffff:0:7f00:1]:8080/hook',
    'http://[64:ff9b::127.0.0.1]:8080/hook',
    'http://[64:ff9b::10.0.0.1]/hook',
    'http://[64:ff9b:1::808:808]/hook',
    'http://[2002:7f00:1::1]:8080/hook',
    `http://${RESOLVES_TO_LOOPBACK}:8080/hook`,
  ])('refuses %s at create, replace and test', async (url) => {
    const create = await request(strict.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send(channelBody({ provider: 'webhook', config: { url } }));
    expect(create.status).toBe(400);
    expect(create.body.error.message).toMatch(/is not allowed/);

    const existing = await createChannel(strict, token, {
      provider: 'webhook',
      config: { url: 'https://hooks.example.com/wrenn' },
    });
    const replace = await request(strict.app)
      .put(`/v1/channels/${existing.id}/config`)
      .set(bearer(token))
      .send({ config: { url } });
    expect(replace.status).toBe(400);
    expect(replace.body.error.message).toMatch(/is not allowed/);

    const test = await request(strict.app)
      .post('/v1/channels/test')
      .set(bearer(await strict.token()))
      .send({ provider: 'webhook', config: { url } });
    expect(test.status).toBe(400);
    expect(test.body.error.message).toMatch(/is not allowed/);
  });

  it('refuses the Matrix homeserver the same way', async () => {
    const res = await request(strict.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send(
        channelBody({
          provider: 'matrix',
          config: { homeserver_url: 'https://[::a9fe:a9fe]', access_token: 'syt_token', room_id: '!r:example.org' },
        }),
      );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/169\.254\.169\.254/);
  });
});

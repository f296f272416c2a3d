import { Writable } from 'node:stream';
import { createProducerConnection } from '@wrenn/queues';
import { createLogger, createMetricsRegistry } from '@wrenn/runtime';
import { type FakeWebhookReceiver, startFakeWebhookReceiver, testRedisUrl } from '@wrenn/testing';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

let api: TestApi;
let receiver: FakeWebhookReceiver;

beforeAll(async () => {
  api = await createTestApi({ apiRequestsPerMinute: 5 });
  receiver = await startFakeWebhookReceiver();
  // Until its connection is up the limiter lets requests through (see "with Redis away").
  if (api.deps.redis.status !== 'ready') await new Promise((resolve) => api.deps.redis.once('ready', resolve));
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

const testSend = (app: TestApi['app'], token: string, url: string) =>
  request(app)
    .post('/v1/channels/test')
    .set(bearer(token))
    .send({ provider: 'webhook', config: { url, secret: 'a-test-secret-of-24-chars' } });

/** The parameters of an IETF draft structured header item: `"name"; r=9; t=60` → {r: '9', t: '60'}. */
function draftParameters(value: string | undefined): { name: string; params: Record<string, string> } {
  const [name = '', ...params] = (value ?? '').split(';').map((part) => part.trim());
  return {
    name: name.replace(/^"|"$/g, ''),
    params: Object.fromEntries(params.map((p) => p.split('=') as [string, string])),
  };
}

describe('test sends: at most 10 per team and minute', () => {
  let url: string;
  beforeEach(() => {
    url = `${receiver.url}?run=${Math.random().toString(36).slice(2)}`;
  });
  const reachedTarget = () => receiver.received.filter((r) => url.endsWith(r.request.url)).length;

  it('30 test sends in a minute reach the target 10 times; the rest are 429 rate_limited', async () => {
    const token = await api.token();
    const statuses: number[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < 30; i++) {
      const res = await testSend(api.app, token, url);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    expect(reachedTarget()).toBe(10);

    expect(refused?.body).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/10 test sends/) } });
    const retryAfter = Number(refused?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const policy = draftParameters(refused?.headers['ratelimit-policy']);
    expect(policy).toMatchObject({ name: 'test_sends', params: { q: '10', w: '60' } });
    const state = draftParameters(refused?.headers.ratelimit);
    expect(state).toMatchObject({ name: 'test_sends', params: { r: '0' } });
    expect(Number(state.params.t)).toBe(retryAfter);
  });

  it('counts the stored-config route and the unsaved-config route together', async () => {
    const token = await api.token();
    const channel = await createChannel(api, token, { provider: 'webhook', config: { url } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await testSend(api.app, token, url)).status);
    for (let i = 0; i < 6; i++) {
      statuses.push((await request(api.app).post(`/v1/channels/${channel.id}/test`).set(bearer(token))).status);
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);
    expect(reachedTarget()).toBe(10);
  });

  it("never touches another team's budget: its first test send succeeds", async () => {
    const spender = await api.token();
    for (let i = 0; i < 11; i++) await testSend(api.app, spender, url);
    expect((await testSend(api.app, spender, url)).status).toBe(429);

    const other = await testSend(api.app, await api.token(), url);
    expect(other.status).toBe(200);
    expect(draftParameters(other.headers.ratelimit).params.r).toBe('9');
  });

  it('is shared by every API replica through Redis', async () => {
    const token = await api.token();
    const replica = createApp({ ...api.deps, metrics: createMetricsRegistry('api') });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await testSend(i % 2 ? replica : api.app, token, url)).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);
  });
});

describe('every other /v1/* request: WRENN_API_RATE_LIMIT per team and minute', () => {
  it('answers 429 beyond the limit (5 here), with the draft headers, and spares other teams', async () => {
    const token = await api.token();
    const first = await request(api.app).get('/v1/channels').set(bearer(token));
    expect(first.status).toBe(200);
    expect(draftParameters(first.headers['ratelimit-policy'])).toMatchObject({
      name: 'api',
      params: { q: '5', w: '60' },
    });
    expect(draftParameters(first.headers.ratelimit).params.r).toBe('4');
    for (let i = 0; i < 4; i++)
      expect((await request(api.app).get('/v1/event-types').set(bearer(token))).status).toBe(200);
    const over = await request(api.app).get('/v1/channels').set(bearer(token));
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Test sends spend their own budget, not this one.
    expect((await testSend(api.app, token, receiver.url)).status).toBe(200);

    expect(
      (
        await request(api.app)
          .get('/v1/channels')
          .set(bearer(await api.token()))
      ).status,
    ).toBe(200);
  });

  it('does not count unauthenticated requests against any team, nor limit /internal', async () => {
    for (let i = 0; i < 8; i++) expect((await request(api.app).get('/v1/channels')).status).toBe(401);
    for (let i = 0; i < 8; i++) {
      const res = await request(api.app)
        .post('/internal/v1/portal-sessions')
        .set('Authorization', `Bearer ${api.deps.internalToken}`)
        .send({ team_id: 'team-x', user_id: 'usr-x', role: 'owner' });
      expect(res.status).toBe(400);
    }
  });
});

describe('with Redis away', () => {
  it('lets requests through unlimited and says so in a warning, instead of failing them', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      name: 'wrenn-api-test',
      level: 'warn',
      destination: new Writable({
        write(chunk, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      }),
    });
    const redis = createProducerConnection('redis://127.0.0.1:1');
    redis.on('error', () => {});
    try {
      const app = createApp({ ...api.deps, redis, logger, metrics: createMetricsRegistry('api') });
      const token = await api.token();
      for (let i = 0; i < 8; i++) {
        const res = await request(app).get('/v1/channels').set(bearer(token));
        expect(res.status).toBe(200);
        expect(res.headers.ratelimit).toBeUndefined();
      }
      const warnings = lines.filter((line) => line.includes('rate limits unavailable'));
      // One warning per interval, not one per request.
      expect(warnings).toHaveLength(1);
    } finally {
      redis.disconnect();
    }
  });

  it('limits again once Redis is back, even when it was away at start', async () => {
    const redis = createProducerConnection(testRedisUrl());
    redis.on('error', () => {});
    try {
      // The limiter is built (and loads its scripts) before the connection is up: the loads fail.
      expect(redis.status).not.toBe('ready');
      const app = createApp({ ...api.deps, redis, metrics: createMetricsRegistry('api') });
      await new Promise((resolve) => redis.once('ready', resolve));
      const token = await api.token();
      const url = receiver.url;
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await testSend(app, token, url)).status);
      expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);
    } finally {
      redis.disconnect();
    }
  });
});

import { newId } from '@wrenn/events';
import { type FakeWebhookReceiver, startFakeWebhookReceiver } from '@wrenn/testing';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, channelBody, createChannel } from './support/channel-fixtures';
import { createTestApi, newTeamId, newUserId, type TestApi } from './support/test-api';

let api: TestApi;
let receiver: FakeWebhookReceiver;

beforeAll(async () => {
  api = await createTestApi({ providerSettings: { timeoutMs: 1_000 } });
});
beforeEach(async () => {
  receiver = await startFakeWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});
afterAll(async () => {
  await api.close();
});

/** Rows of every table a test send must leave alone. */
async function storedCounts() {
  const count = async (table: 'channels' | 'audit_logs' | 'events' | 'deliveries') => {
    const row = await api.deps.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    channels: await count('channels'),
    audit_logs: await count('audit_logs'),
    events: await count('events'),
    deliveries: await count('deliveries'),
  };
}

describe('POST /v1/channels/test', () => {
  it('sends a signed channel.test event now and stores nothing', async () => {
    const secret = 'whsec_dGVzdC1zZW5kLXNlY3JldC0zMi1ieXRlcy1sb25nISE=';
    receiver.setSecret(secret);
    const teamId = newTeamId();
    const userId = newUserId();
    const before = await storedCounts();
    const res = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(await api.token({ team_id: teamId, sub: userId, name: 'Ada' })))
      .send({ provider: 'webhook', config: { url: receiver.url, secret } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });

    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    expect(hit?.signatures).toEqual({ standard: true, wrenn: true, timestampFresh: true });
    expect(hit?.payload).toMatchObject({
      event: 'channel.test',
      team_id: teamId,
      actor: { type: 'user', id: userId, name: 'Ada' },
    });
    expect(hit?.request.headers['webhook-id']).toMatch(/^dlv-[0-9a-z]{25}$/);
    expect(await storedCounts()).toEqual(before);
  });

  it('answers 502 delivery_failed with the redacted answer when the receiver fails', async () => {
    const secret = 'plain-secret-that-must-not-leak';
    receiver.failNext({ status: 500, body: `upstream broke; secret=${secret}; echo ${secret}` });
    const res = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(await api.token()))
      .send({ provider: 'webhook', config: { url: receiver.url, secret } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('delivery_failed');
    expect(res.body.error.message).toContain('HTTP 500');
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it('answers 502 for a gone endpoint, a redirect and a timeout', async () => {
    const token = await api.token();
    const send = () =>
      request(api.app)
        .post('/v1/channels/test')
        .set(bearer(token))
        .send({ provider: 'webhook', config: { url: receiver.url } });

    receiver.failNext({ status: 410 });
    const gone = await send();
    expect(gone.status).toBe(502);
    expect(gone.body.error.message).toContain('410');

    // A second listening receiver that would take the event: a followed redirect would reach it and succeed.
    const elsewhere = await startFakeWebhookReceiver();
    try {
      const before = receiver.received.length;
      receiver.failNext({ status: 302, headers: { location: elsewhere.url } });
      const redirect = await send();
      expect(redirect.status).toBe(502);
      expect(redirect.body.error.message).toContain('redirects are not followed');
      expect(receiver.received.length - before).toBe(1);
      expect(elsewhere.received).toEqual([]);
    } finally {
      await elsewhere.close();
    }

    receiver.hangNext();
    const hung = await send();
    expect(hung.status).toBe(502);
    expect(hung.body.error.message).toContain('no answer within');
  });

  it('answers 502 when nothing listens at the URL', async () => {
    const res = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(await api.token()))
      .send({ provider: 'webhook', config: { url: 'http://127.0.0.1:1/hook' } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('delivery_failed');
  });

  it('answers 400 for an invalid config, naming what to fix', async () => {
    const token = await api.token();
    const cases: Array<[unknown, string]> = [
      [{ provider: 'webhook', config: {} }, 'config.url is required for webhook'],
      [{ provider: 'webhook', config: { url: receiver.url, bogus: 'x' } }, 'config.bogus is not a webhook setting'],
      [{ provider: 'carrier-pigeon', config: {} }, 'body.provider: must be one of'],
      [{ provider: 'webhook' }, 'body.config: is required'],
      [{ provider: 'webhook', config: { url: receiver.url }, name: 'x' }, 'unknown field "name"'],
    ];
    for (const [body, message] of cases) {
      const res = await request(api.app)
        .post('/v1/channels/test')
        .set(bearer(token))
        .send(body as object);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toContain(message);
    }
    expect(receiver.received).toHaveLength(0);
  });
});

describe('POST /v1/channels/{id}/test', () => {
  it('sends with the stored config, signed with the generated secret', async () => {
    const token = await api.token();
    const channel = await createChannel(api, token, { provider: 'webhook', config: { url: receiver.url } });
    expect(channel.secret).toBeDefined();
    receiver.setSecret(channel.secret);
    const before = await storedCounts();
    const res = await request(api.app).post(`/v1/channels/${channel.id}/test`).set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(receiver.received[0]?.signatures).toEqual({ standard: true, wrenn: true, timestampFresh: true });
    expect(await storedCounts()).toEqual(before);
  });

  it('works for a disabled channel and ignores any body', async () => {
    const token = await api.token();
    const channel = await createChannel(api, token, { provider: 'webhook', config: { url: receiver.url } });
    await request(api.app).patch(`/v1/channels/${channel.id}`).set(bearer(token)).send({ enabled: false }).expect(200);
    const res = await request(api.app)
      .post(`/v1/channels/${channel.id}/test`)
      .set(bearer(token))
      .send({ anything: true });
    expect(res.status).toBe(200);
  });

  it('answers 502 with the receiver status, 404 for unknown and 400 for malformed ids', async () => {
    const token = await api.token();
    const channel = await createChannel(
      api,
      token,
      channelBody({ provider: 'webhook', config: { url: receiver.url } }),
    );
    receiver.failNext({ status: 503, body: 'maintenance' });
    const failed = await request(api.app).post(`/v1/channels/${channel.id}/test`).set(bearer(token));
    expect(failed.status).toBe(502);
    expect(failed.body.error.message).toContain('HTTP 503');
    expect(JSON.stringify(failed.body)).not.toContain(channel.secret as string);

    expect(
      (
        await request(api.app)
          .post(`/v1/channels/${newId('channel').id}/test`)
          .set(bearer(token))
      ).status,
    ).toBe(404);
    expect((await request(api.app).post('/v1/channels/ch-nope/test').set(bearer(token))).status).toBe(400);
  });
});

import { Writable } from 'node:stream';
import { FAKE_SLACK_BOT_TOKEN, FAKE_SLACK_CHANNEL, type FakeSlackWebApi, startFakeSlackWebApi } from '@wrenn/testing';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bearer, channelBody, createChannel } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

// Slack channels in their app form (bot_token + channel_id): checked against
// the loopback Web API at create, config replacement and test send.

const APP = { bot_token: FAKE_SLACK_BOT_TOKEN, channel_id: FAKE_SLACK_CHANNEL };
const TOKEN_SECRET = FAKE_SLACK_BOT_TOKEN.split('-').at(-1) as string;
const OTHER_TOKEN = 'xoxb-1111-2222-someoneElsesTokenValue';

let api: TestApi;
let slack: FakeSlackWebApi;
const logs: string[] = [];

beforeAll(async () => {
  slack = await startFakeSlackWebApi({
    channels: [
      { id: FAKE_SLACK_CHANNEL, name: 'ops-alerts' },
      { id: 'C0OUTSIDE01', name: 'elsewhere', member: false },
    ],
  });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  api = await createTestApi({
    providerSettings: { slackApiBase: slack.origin, timeoutMs: 2_000 },
    logLevel: 'debug',
    logDestination: sink,
  });
});
afterAll(async () => {
  await api.close();
  await slack.close();
});
afterEach(() => slack.reset());

async function create(config: Record<string, string>) {
  return request(api.app)
    .post('/v1/channels')
    .set(bearer(await api.token()))
    .send(channelBody({ provider: 'slack', config }));
}

describe('creating a Slack channel in its app form', () => {
  it('answers 201 with the keys it stored, never the token, after asking Slack about both', async () => {
    const calls = slack.received.length;
    const res = await create(APP);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ provider: 'slack', config_fields: ['bot_token', 'channel_id'] });
    expect(res.text).not.toContain(TOKEN_SECRET);
    expect(slack.received.slice(calls).map((r) => r.url)).toEqual(['/api/auth.test', '/api/conversations.info']);

    const token = await api.token();
    const listed = await request(api.app).get('/v1/channels').set(bearer(token));
    expect(listed.text).not.toContain(TOKEN_SECRET);
  });

  it.each([
    [{ ...APP, bot_token: OTHER_TOKEN }, 'bot_token was refused by Slack (invalid_auth)'],
    [{ ...APP, channel_id: 'C0OUTSIDE01' }, 'the bot is not a member of channel C0OUTSIDE01'],
    [{ ...APP, channel_id: 'C0NOWHERE01' }, 'channel_id C0NOWHERE01 was not found by the bot'],
    [
      { ...APP, webhook_url: 'https://hooks.slack.com/services/T0001/B0001/slackSecretValue123' },
      'mixes two slack forms',
    ],
    [{ bot_token: FAKE_SLACK_BOT_TOKEN }, 'config.channel_id is required with config.bot_token'],
    [{ ...APP, channel_id: 'ops-alerts' }, 'not its name'],
    [{ ...APP, channel_id: 'C12' }, '9–12 characters'],
    [{ ...APP, bot_token: 'xoxp-1-2-userTokenValue' }, 'must be a bot token (xoxb-…)'],
  ])('answers 400 for %j, naming what is wrong', async (config, message) => {
    const res = await create(config);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_request', message: expect.stringContaining(message) });
    for (const secret of [TOKEN_SECRET, 'someoneElsesTokenValue', 'userTokenValue', 'slackSecretValue123']) {
      expect(res.text).not.toContain(secret);
    }
  });

  it('answers 503 when Slack cannot be asked, and stores nothing', async () => {
    const token = await api.token();
    slack.failNext({ status: 503, body: 'service unavailable' });
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send(channelBody({ provider: 'slack', config: APP }));
    expect(res.status, res.text).toBe(503);
    expect(res.body.error.code).toBe('unavailable');
    expect(res.headers['retry-after']).toBe('5');
    const listed = await request(api.app).get('/v1/channels').set(bearer(token));
    expect(listed.body).toEqual([]);
  });

  it('checks a replaced config the same way', async () => {
    const token = await api.token();
    const channel = await createChannel(api, token, { provider: 'slack', config: APP });
    const refused = await request(api.app)
      .put(`/v1/channels/${channel.id}/config`)
      .set(bearer(token))
      .send({ config: { ...APP, channel_id: 'C0OUTSIDE01' } });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body.error.message).toContain('not a member');
    const replaced = await request(api.app)
      .put(`/v1/channels/${channel.id}/config`)
      .set(bearer(token))
      .send({ config: { webhook_url: 'https://hooks.slack.com/services/T0001/B0001/slackSecretValue123' } });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body.config_fields).toEqual(['webhook_url']);
  });
});

describe('test sends through the app form', () => {
  it('posts a channel.test message with chat.postMessage, unsaved and stored', async () => {
    const token = await api.token();
    const before = slack.messages.length;
    const unsaved = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(token))
      .send({ provider: 'slack', config: APP });
    expect(unsaved.status, unsaved.text).toBe(200);
    expect(slack.messages.length).toBe(before + 1);
    expect(slack.messages.at(-1)).toMatchObject({
      channel: FAKE_SLACK_CHANNEL,
      text: expect.stringContaining('Test notification'),
    });

    const channel = await createChannel(api, token, { provider: 'slack', config: APP });
    const stored = await request(api.app).post(`/v1/channels/${channel.id}/test`).set(bearer(token));
    expect(stored.status, stored.text).toBe(200);
    expect(slack.messages.length).toBe(before + 2);
  });

  it('answers 400 for a channel the bot is not in, before sending anything', async () => {
    const before = slack.messages.length;
    const res = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(await api.token()))
      .send({ provider: 'slack', config: { ...APP, channel_id: 'C0OUTSIDE01' } });
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.message).toContain('invite the app');
    expect(slack.messages.length).toBe(before);
  });

  it('answers 502 when Slack refuses the message or cannot be asked, without the token', async () => {
    const token = await api.token();
    slack.failNext({ status: 200, body: { ok: true } }, 2);
    slack.failNextWith('msg_too_long');
    const refused = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(token))
      .send({ provider: 'slack', config: APP });
    expect(refused.status, refused.text).toBe(502);
    expect(refused.body.error).toEqual({ code: 'delivery_failed', message: expect.stringContaining('msg_too_long') });

    slack.failNext({ status: 500, body: `token ${FAKE_SLACK_BOT_TOKEN} is broken` });
    const down = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(token))
      .send({ provider: 'slack', config: APP });
    expect(down.status, down.text).toBe(502);
    expect(down.text).not.toContain(TOKEN_SECRET);
  });

  it('never logs the token', () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('')).not.toContain(TOKEN_SECRET);
  });
});

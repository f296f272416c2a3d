import {
  FAKE_TELEGRAM_TOKEN,
  type FakeDiscord,
  type FakeGoogleChat,
  type FakeMatrix,
  type FakeSlack,
  type FakeTeams,
  type FakeTelegram,
  startFakeDiscord,
  startFakeGoogleChat,
  startFakeMatrix,
  startFakeSlack,
  startFakeTeams,
  startFakeTelegram,
} from '@wrenn/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

// POST /v1/channels/test and /v1/channels/{id}/test reach each chat provider's
// loopback fake through the same provider code the worker uses.

let api: TestApi;
let discord: FakeDiscord;
let slack: FakeSlack;
let teams: FakeTeams;
let googleChat: FakeGoogleChat;
let telegram: FakeTelegram;
let matrix: FakeMatrix;

beforeAll(async () => {
  [discord, slack, teams, googleChat, telegram, matrix] = await Promise.all([
    startFakeDiscord(),
    startFakeSlack(),
    startFakeTeams(),
    startFakeGoogleChat(),
    startFakeTelegram(),
    startFakeMatrix(),
  ]);
  api = await createTestApi({
    providerSettings: {
      discordApiBase: discord.apiBase,
      slackApiBase: slack.origin,
      teamsApiBase: teams.origin,
      googleChatApiBase: googleChat.origin,
      telegramApiBase: telegram.origin,
      timeoutMs: 2_000,
    },
  });
});
afterAll(async () => {
  await api.close();
  await Promise.all([discord, slack, teams, googleChat, telegram, matrix].map((fake) => fake.close()));
});

function matrixConfig() {
  const user = matrix.registerUser(`bot${Date.now()}${Math.floor(Math.random() * 1000)}`);
  const roomId = matrix.createRoom(user.accessToken);
  return { homeserver_url: matrix.origin, access_token: user.accessToken, room_id: roomId };
}

const cases = () =>
  [
    [
      'discord',
      { webhook_url: discord.webhookUrl('123456789012345678', `discord-test-token-${'t'.repeat(50)}`) },
      () => discord.messages.length,
    ],
    ['slack', { webhook_url: slack.webhookUrl() }, () => slack.messages.length],
    ['teams', { webhook_url: teams.workflowUrl() }, () => teams.messages.length],
    ['googlechat', { webhook_url: googleChat.webhookUrl() }, () => googleChat.messages.length],
    ['telegram', { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '-1001234567890' }, () => telegram.messages.length],
    ['matrix', matrixConfig(), () => matrix.messages.length],
  ] as const;

describe('test sends to the chat providers', () => {
  it('delivers a channel.test message to each provider, unsaved and stored', async () => {
    for (const [provider, config, delivered] of cases()) {
      // A team per provider: each may make 10 test sends a minute.
      const token = await api.token();
      const before = delivered();
      const unsaved = await request(api.app).post('/v1/channels/test').set(bearer(token)).send({ provider, config });
      expect(unsaved.status, `${provider}: ${unsaved.text}`).toBe(200);
      expect(unsaved.body).toEqual({ status: 'ok' });
      expect(delivered(), provider).toBe(before + 1);

      const channel = await createChannel(api, token, { name: `test-${provider}`, provider, config: { ...config } });
      const stored = await request(api.app).post(`/v1/channels/${channel.id}/test`).set(bearer(token));
      expect(stored.status, `${provider}: ${stored.text}`).toBe(200);
      expect(delivered(), provider).toBe(before + 2);
    }
  });

  it('answers 502 with a summary when the provider refuses, without the credential', async () => {
    const token = await api.token();
    telegram.revokeToken(FAKE_TELEGRAM_TOKEN);
    const res = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(token))
      .send({ provider: 'telegram', config: { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '-1001234567890' } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('delivery_failed');
    expect(res.body.error.message).not.toContain(FAKE_TELEGRAM_TOKEN.split(':')[1]);

    slack.failNext({ status: 404, body: 'no_service' });
    const slackRes = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(token))
      .send({ provider: 'slack', config: { webhook_url: slack.webhookUrl() } });
    expect(slackRes.status).toBe(502);
    expect(slackRes.body.error.message).not.toContain('abcdefghijklmnopqrstuvwx');

    const user = matrix.registerUser(`revoked${Date.now()}`);
    const roomId = matrix.createRoom(user.accessToken);
    matrix.revokeToken(user.accessToken);
    const matrixRes = await request(api.app)
      .post('/v1/channels/test')
      .set(bearer(token))
      .send({
        provider: 'matrix',
        config: { homeserver_url: matrix.origin, access_token: user.accessToken, room_id: roomId },
      });
    expect(matrixRes.status).toBe(502);
    expect(matrixRes.body.error.message).not.toContain(user.accessToken);
  });
});

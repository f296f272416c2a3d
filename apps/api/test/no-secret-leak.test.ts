import { randomBytes } from 'node:crypto';
import { createSecretBox } from '@wrenn/crypto';
import { newId, parseId } from '@wrenn/events';
import type { ProviderName } from '@wrenn/providers';
import { createLogger, createMetricsRegistry } from '@wrenn/runtime';
import { type FakeServer, sendJson, startFakeServer } from '@wrenn/testing';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { bearer } from './support/channel-fixtures';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

// Distinctive values in every credential position of every provider. None may
// appear in a response, a log line or a stored row, except a generated webhook
// secret in the one `secret` field that reveals it.
const SECRETS = {
  discordToken: `LEAKdiscordTokenZ1x9${'d'.repeat(48)}`,
  slackSecret: 'LEAKslackSecretZ1x9',
  teamsSig: 'LEAKteamsSigZ1x9',
  gchatKey: 'LEAKgchatKeyZ1x9',
  gchatToken: 'LEAKgchatTokenZ1x9',
  telegramToken: 'LEAKtelegramTokenZ1x9AAAAAAAAAAAAAA',
  matrixToken: 'LEAKmatrixAccessTokenZ1x9',
  webhookSecret: 'LEAKwebhookSecretZ1x9',
  webhookUrlToken: 'LEAKwebhookUrlTokenZ1x9',
};

function configs(echo: FakeServer, round: string): Record<ProviderName, Record<string, string>> {
  const s = (value: string) => `${value}${round}`;
  return {
    discord: { webhook_url: `https://discord.com/api/webhooks/123456789012345678/${s(SECRETS.discordToken)}` },
    slack: { webhook_url: `https://hooks.slack.com/services/T0LEAK01/B0LEAK01/${s(SECRETS.slackSecret)}` },
    teams: {
      webhook_url: `https://prod-09.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sv=1.0&sig=${s(SECRETS.teamsSig)}`,
    },
    googlechat: {
      webhook_url: `https://chat.googleapis.com/v1/spaces/AAAALEAK/messages?key=${s(SECRETS.gchatKey)}&token=${s(SECRETS.gchatToken)}`,
    },
    telegram: { bot_token: `987654321:${s(SECRETS.telegramToken).slice(0, 35)}`, chat_id: '-1001234567890' },
    matrix: { homeserver_url: echo.origin, access_token: s(SECRETS.matrixToken), room_id: '!leak:example.org' },
    webhook: { url: `${echo.origin}/hook/${s(SECRETS.webhookUrlToken)}`, secret: s(SECRETS.webhookSecret) },
  };
}

let api: TestApi;
let echo: FakeServer;
let app: ReturnType<typeof createApp>;
const logLines: string[] = [];
const responses: Response[] = [];
/** Generated secrets, allowed only in the `secret` field of the response that created them. */
const generated: string[] = [];

async function record(pending: request.Test): Promise<Response> {
  const res = await pending;
  responses.push(res);
  return res;
}

beforeAll(async () => {
  // A hostile receiver: it answers every request with an error that echoes the
  // whole request (path, query, headers, body) back to the service.
  let answered = 0;
  echo = await startFakeServer((req, res) => {
    answered += 1;
    const status = req.url.includes('/ok') ? 200 : ([400, 401, 404, 500, 503][answered % 5] ?? 500);
    sendJson(res, status, { ok: false, error: 'echo', description: `${req.method} ${req.url}`, request: req });
  });
  api = await createTestApi({
    providerSettings: {
      discordApiBase: `${echo.origin}/api`,
      slackApiBase: echo.origin,
      teamsApiBase: echo.origin,
      googleChatApiBase: echo.origin,
      telegramApiBase: echo.origin,
      timeoutMs: 2_000,
    },
  });
  const logger = createLogger({
    name: 'leak-test',
    level: 'trace',
    destination: { write: (line: string) => void logLines.push(line) },
  });
  app = createApp({ ...api.deps, logger, metrics: createMetricsRegistry('api') });
});
afterAll(async () => {
  await api.close();
  await echo.close();
});

describe('secrets never leave the service', () => {
  it('exercises every route with credential-bearing configs', async () => {
    const teamId = newTeamId();
    const auth = bearer(await api.token({ team_id: teamId }));

    for (const round of ['a', 'b']) {
      const all = configs(echo, round);
      for (const provider of Object.keys(all) as ProviderName[]) {
        const config = all[provider];
        const created = await record(
          request(app)
            .post('/v1/channels')
            .set(auth)
            .send({ name: `${provider}-${round}`, provider, config, events: ['capsule.created'] }),
        );
        expect(created.status, `${provider}: ${created.text}`).toBe(201);
        const id = created.body.id as string;

        // The same config under a second, generated-secret webhook and a rotation.
        await record(request(app).get(`/v1/channels/${id}`).set(auth));
        await record(
          request(app)
            .patch(`/v1/channels/${id}`)
            .set(auth)
            .send({ name: `${provider}-${round}-renamed` }),
        );
        await record(request(app).put(`/v1/channels/${id}/config`).set(auth).send({ config }));
        const tested = await record(request(app).post(`/v1/channels/${id}/test`).set(auth));
        expect([200, 502], `${provider}: ${tested.text}`).toContain(tested.status);
        const unsaved = await record(request(app).post('/v1/channels/test').set(auth).send({ provider, config }));
        expect([200, 502], `${provider}: ${unsaved.text}`).toContain(unsaved.status);

        // Invalid variants whose messages must not quote the value.
        const broken = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, `${v}/ extra spaces`]));
        await record(
          request(app)
            .post('/v1/channels')
            .set(auth)
            .send({ name: `bad-${provider}`, provider, config: broken, events: ['host.up'] }),
        );
        await record(
          request(app)
            .put(`/v1/channels/${id}/config`)
            .set(auth)
            .send({ config: { ...config, unknown_key: 'x' } }),
        );
      }
    }

    const webhook = await record(
      request(app)
        .post('/v1/channels')
        .set(auth)
        .send({ name: 'generated', provider: 'webhook', config: { url: `${echo.origin}/ok` }, events: ['host.up'] }),
    );
    generated.push(webhook.body.secret);
    const rotated = await record(
      request(app)
        .put(`/v1/channels/${webhook.body.id}/config`)
        .set(auth)
        .send({ config: { url: `${echo.origin}/ok` } }),
    );
    generated.push(rotated.body.secret);
    await record(request(app).post(`/v1/channels/${webhook.body.id}/test`).set(auth));

    await record(request(app).get('/v1/channels').set(auth));
    await record(request(app).get('/v1/audit-logs?limit=100').set(auth));
    for (const res of responses) expect([500, 503], res.text).not.toContain(res.status);
    expect(echo.received.length).toBeGreaterThan(10);

    // A config sealed under another key (a botched key rotation): the error is
    // logged and answered as internal, without the sealed or opened values.
    const foreignBox = createSecretBox({ key: randomBytes(32).toString('hex') });
    const { id, uuid } = newId('channel');
    await api.deps.db
      .insertInto('channels')
      .values({
        id: uuid,
        team_id: parseId('team', teamId) as string,
        name: 'wrong-key',
        provider: 'webhook',
        config: JSON.stringify({ url: foreignBox.encrypt(`${echo.origin}/hook/${SECRETS.webhookUrlToken}`) }),
        event_types: ['host.up'],
      })
      .execute();
    const wrongKey = await record(request(app).post(`/v1/channels/${id}/test`).set(auth));
    expect(wrongKey.status).toBe(500);
    expect(wrongKey.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
    expect(logLines.some((line) => line.includes('unhandled error'))).toBe(true);
    expect(logLines.some((line) => line.includes('test send failed'))).toBe(true);
  });

  it('responses carry no secret, and a generated one only in its own `secret` field', () => {
    const forbidden = [...Object.values(SECRETS).map((s) => s.slice(0, 18)), ...generated];
    for (const res of responses) {
      const { secret: _shownOnce, ...rest } = (res.body ?? {}) as Record<string, unknown>;
      const visible = `${JSON.stringify(res.headers)}\n${Array.isArray(res.body) ? res.text : JSON.stringify(rest)}`;
      for (const value of forbidden) expect(visible, `${res.status} ${res.text}`).not.toContain(value);
    }
    expect(generated.every((s) => s.startsWith('whsec_'))).toBe(true);
  });

  it('log lines carry no secret', () => {
    const forbidden = [...Object.values(SECRETS).map((s) => s.slice(0, 18)), ...generated];
    for (const line of logLines) for (const value of forbidden) expect(line).not.toContain(value);
  });

  it('stored rows carry no secret in clear', async () => {
    const forbidden = [...Object.values(SECRETS).map((s) => s.slice(0, 18)), ...generated];
    for (const table of ['channels', 'audit_logs', 'events', 'deliveries'] as const) {
      const rows = await api.deps.db.selectFrom(table).selectAll().execute();
      const dump = JSON.stringify(rows);
      for (const value of forbidden) expect(dump, table).not.toContain(value);
    }
  });
});

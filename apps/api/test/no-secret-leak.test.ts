import { randomBytes } from 'node:crypto';
import { createSecretBox } from '@wrenn/crypto';
import { formatId, newId, parseId } from '@wrenn/events';
import type { ProviderName } from '@wrenn/providers';
import { createLogger, createMetricsRegistry } from '@wrenn/runtime';
import {
  type AppProcess,
  type FakeServer,
  sendJson,
  spawnWorker,
  startFakeServer,
  testRedisUrl,
  waitFor,
} from '@wrenn/testing';
import { sql } from 'kysely';
import request, { type Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { bearer } from './support/channel-fixtures';
import { createTestApi, newTeamId, newUserId, type TestApi } from './support/test-api';

// Distinctive values in every credential position of every provider. None may
// appear in a response, a log line of the API or the worker, a stored row or
// anything queued in Redis, except a generated webhook secret in the one
// `secret` field that reveals it.
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
let worker: AppProcess | undefined;
const teamId = newTeamId();
const logLines: string[] = [];
/** Everything under the queue prefix in Redis, read several times while the worker ran. */
const redisDumps: string[] = [];
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
  // whole request (path, query, headers, body) back to the service. Teams
  // always refuses the message (the worker logs the refusal with its reason)
  // and the first round's webhook is gone (its channel is disabled with the
  // reason in an audit entry); the others get a mix of errors.
  let answered = 0;
  const statusFor = (url: string) => {
    if (url.includes('/ok')) return 200;
    if (url.startsWith('/workflows/')) return 400;
    if (url.startsWith('/hook/') && url.endsWith('a')) return 410;
    return [400, 401, 404, 500, 503][answered % 5] ?? 500;
  };
  echo = await startFakeServer((req, res) => {
    answered += 1;
    const status = statusFor(req.url);
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
    level: 'debug',
    destination: { write: (line: string) => void logLines.push(line) },
  });
  // Every route twice for every provider: more test sends than a team may make in a minute.
  const limits = { ...api.deps.limits, testSendsPerMinute: 100 };
  app = createApp({ ...api.deps, logger, limits, metrics: createMetricsRegistry('api') });
});
afterAll(async () => {
  if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
    worker.child.kill('SIGTERM');
    await worker.exited;
  }
  await api.close();
  await echo.close();
});

/** Every key under the queue prefix with its value, whatever its type. */
async function dumpRedis(): Promise<string> {
  const redis = api.deps.redis;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${api.queuePrefix}:*`, 'COUNT', 500);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    let value: unknown = null;
    if (type === 'string') value = await redis.get(key);
    else if (type === 'hash') value = await redis.hgetall(key);
    else if (type === 'list') value = await redis.lrange(key, 0, -1);
    else if (type === 'set') value = await redis.smembers(key);
    else if (type === 'zset') value = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'stream') value = await redis.xrange(key, '-', '+');
    parts.push(`${key} ${type} ${JSON.stringify(value)}`);
  }
  return parts.join('\n');
}

/** Each JSON line a process wrote. */
function jsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('secrets never leave the service', () => {
  it('exercises every route with credential-bearing configs', async () => {
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

  it("delivers every channel's events through a worker, answers that echo the credentials included", {
    timeout: 60_000,
  }, async () => {
    const { db } = api.deps;
    const channels = await db.selectFrom('channels').select(['id', 'provider', 'event_types']).execute();
    const subscribed = channels.filter((c) => c.event_types.some((t) => t === 'capsule.created' || t === 'host.up'));
    expect(new Set(subscribed.map((c) => c.provider))).toEqual(
      new Set(['discord', 'slack', 'teams', 'googlechat', 'telegram', 'matrix', 'webhook']),
    );
    worker = await spawnWorker(
      { ...api, redisUrl: testRedisUrl() },
      {
        WRENN_DISCORD_API_BASE: `${echo.origin}/api`,
        WRENN_SLACK_API_BASE: echo.origin,
        WRENN_TEAMS_API_BASE: echo.origin,
        WRENN_GOOGLECHAT_API_BASE: echo.origin,
        WRENN_TELEGRAM_API_BASE: echo.origin,
        LOG_LEVEL: 'debug',
      },
    );
    const sentBefore = echo.received.length;

    const actor = { type: 'user', id: newUserId(), name: 'Ada' };
    const entries = [
      { team_id: teamId, actor, resource_type: 'sandbox', resource_id: newId('capsule').id, action: 'create' },
      { team_id: teamId, actor, resource_type: 'host', resource_id: newId('host').id, action: 'marked_up' },
    ];
    const ingested = await record(
      request(app)
        .post('/internal/v1/audit')
        .set('authorization', `Bearer ${api.deps.internalToken}`)
        .set('idempotency-key', 'leak-test-ingest')
        .send(entries),
    );
    expect(ingested.status, ingested.text).toBe(202);

    // Until every delivery is settled; the queues are read on the way, while jobs wait in them.
    const deliveries = await waitFor(
      async () => {
        redisDumps.push(await dumpRedis());
        const rows = await db.selectFrom('deliveries').select(['channel_id', 'status']).execute();
        return rows.length === subscribed.length && rows.every((r) => r.status !== 'pending') ? rows : null;
      },
      { timeoutMs: 45_000, intervalMs: 100, message: `deliveries did not settle\n${worker.output()}` },
    );
    const providerOf = new Map(channels.map((c) => [c.id, c.provider]));
    expect(new Set(deliveries.map((d) => providerOf.get(d.channel_id)))).toEqual(
      new Set(subscribed.map((c) => c.provider)),
    );
    // The worker reached the hostile destination for every provider, and its answers echoed credentials.
    const sent = echo.received.slice(sentBefore);
    expect(sent.length).toBeGreaterThanOrEqual(subscribed.length - 1);
    const echoed = JSON.stringify(sent);
    for (const secret of [SECRETS.discordToken, SECRETS.slackSecret, SECRETS.matrixToken, SECRETS.telegramToken]) {
      expect(echoed).toContain(secret.slice(0, 18));
    }
    const attempts = await db.selectFrom('delivery_attempts').selectAll().execute();
    expect(attempts.length).toBeGreaterThanOrEqual(deliveries.length - 1);
    const failed = attempts.filter((a) => a.error !== null && a.status_code !== null && a.status_code >= 400);
    expect(failed.length).toBeGreaterThan(0);
    expect(deliveries.some((d) => d.status === 'failed')).toBe(true);
    console.log(
      `leak check: ${deliveries.length} deliveries (${deliveries.filter((d) => d.status === 'succeeded').length} succeeded), ${attempts.length} attempts (${failed.length} answered 4xx/5xx), ${sent.length} requests, ${redisDumps.length} Redis reads`,
    );
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

  it('log lines of the API and the worker carry no secret', async () => {
    const forbidden = [...Object.values(SECRETS).map((s) => s.slice(0, 18)), ...generated];
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) for (const value of forbidden) expect(line).not.toContain(value);

    const running = worker as AppProcess;
    running.child.kill('SIGTERM');
    await running.exited;
    const output = running.output();
    const lines = jsonLines(output);
    const messages = lines.map((l) => l.msg);
    expect(messages).toContain('worker started');
    expect(messages).toContain('stored channel config does not open');
    // Lines that carry what a destination answered, the request echoed in it.
    expect(messages).toContain('provider rejected the rendered message');
    expect(messages).toContain('channel auto-disabled');
    expect(messages).toContain('stopped');
    for (const value of forbidden) expect(output).not.toContain(value);
  });

  it('stored rows carry no secret in clear', async () => {
    const forbidden = [...Object.values(SECRETS).map((s) => s.slice(0, 18)), ...generated];
    const { db } = api.deps;
    const tables = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db);
    const counts: Record<string, number> = {};
    for (const { name } of tables.rows) {
      const { rows } = await sql`SELECT * FROM ${sql.table(name)}`.execute(db);
      counts[name] = rows.length;
      const dump = JSON.stringify(rows);
      for (const value of forbidden) expect(dump, name).not.toContain(value);
    }
    for (const table of ['channels', 'audit_logs', 'events', 'deliveries', 'delivery_attempts']) {
      expect(counts[table], table).toBeGreaterThan(0);
    }
    // The worker's own audit entry, with the gone destination's answer as its reason.
    const disabled = await db
      .selectFrom('audit_logs')
      .select('metadata')
      .where('resource_type', '=', 'channel')
      .where('action', '=', 'auto_disable')
      .execute();
    expect(disabled).toHaveLength(1);
    expect(JSON.stringify(disabled[0]?.metadata)).toContain('410');
  });

  it('queue payloads and keys in Redis carry no secret', async () => {
    const forbidden = [...Object.values(SECRETS).map((s) => s.slice(0, 18)), ...generated];
    // Once more now that everything is settled: what stays queued (kept jobs, pacing state).
    redisDumps.push(await dumpRedis());
    const dump = redisDumps.join('\n');
    // The jobs of the events that were fanned out, and the channels' drain jobs, were among what was read.
    const fannedOut = await api.deps.db.selectFrom('deliveries').select(['event_id', 'channel_id']).execute();
    expect(fannedOut.length).toBeGreaterThan(0);
    for (const { event_id } of fannedOut) expect(dump).toContain(formatId('event', event_id));
    expect(fannedOut.some((d) => dump.includes(formatId('channel', d.channel_id)))).toBe(true);
    for (const value of forbidden) expect(dump).not.toContain(value);
  });
});

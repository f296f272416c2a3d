import { createDb } from '@wrenn/db';
import { formatId, newId, parseId } from '@wrenn/events';
import { createMetricsRegistry } from '@wrenn/runtime';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { Channel, ChannelWithSecret } from '../src/channels/channel-schemas';
import { bearer, channelBody, createChannel, VALID_CONFIGS } from './support/channel-fixtures';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api.close();
});

async function auditActions(teamId: string) {
  const rows = await api.deps.db
    .selectFrom('audit_logs')
    .selectAll()
    .where('team_id', '=', parseId('team', teamId) as string)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    action: r.action,
    resource_type: r.resource_type,
    resource_id: r.resource_id,
    metadata: r.metadata,
    actor: [r.actor_type, r.actor_id, r.actor_name],
  }));
}

describe('POST /v1/channels', () => {
  it('creates a channel and answers 201 with exactly the channel fields', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send({
        name: '  Ops Alerts ',
        provider: 'discord',
        config: VALID_CONFIGS.discord,
        events: ['host.down', 'capsule.created', 'host.down'],
      });
    expect(res.status).toBe(201);
    const channel = Channel.parse(res.body);
    expect(channel).toMatchObject({
      team_id: teamId,
      name: 'ops-alerts',
      provider: 'discord',
      events: ['host.down', 'capsule.created'],
      enabled: true,
      disabled_reason: null,
      config_fields: ['webhook_url'],
    });
    expect(channel.id).toMatch(/^ch-[0-9a-z]{25}$/);
    expect(channel.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(channel.updated_at).toBe(channel.created_at);
    expect(res.headers['content-type']).toMatch(/application\/json/);
  });

  it('generates a webhook secret when none is given and returns it once', async () => {
    const token = await api.token();
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send(channelBody({ provider: 'webhook', config: { url: 'https://hooks.example.com/x' } }));
    expect(res.status).toBe(201);
    const channel = ChannelWithSecret.parse(res.body);
    expect(channel.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(channel.config_fields).toEqual(['secret', 'url']);

    const again = await request(api.app).get(`/v1/channels/${channel.id}`).set(bearer(token));
    expect(again.status).toBe(200);
    expect(again.body).not.toHaveProperty('secret');
    expect(JSON.stringify(again.body)).not.toContain(channel.secret);
  });

  it('never echoes a secret the user supplied', async () => {
    const token = await api.token();
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send(
        channelBody({
          provider: 'webhook',
          config: { url: 'https://hooks.example.com/x', secret: 'my-own-secret-value' },
        }),
      );
    expect(res.status).toBe(201);
    expect(res.body).not.toHaveProperty('secret');
    expect(JSON.stringify(res.body)).not.toContain('my-own-secret-value');
    expect(res.body.config_fields).toEqual(['secret', 'url']);
  });

  it('refuses a name already used in the team with 409, also after normalising', async () => {
    const token = await api.token();
    await createChannel(api, token, { name: 'ops-alerts' });
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send(channelBody({ name: ' OPS ALERTS' }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: { code: 'conflict', message: expect.stringContaining('ops-alerts') } });
  });

  it('lets two teams use the same name', async () => {
    await createChannel(api, await api.token(), { name: 'shared-name' });
    await createChannel(api, await api.token(), { name: 'shared-name' });
  });

  it('stops at the per-team channel limit with 409', async () => {
    const small = await createTestApi({ maxChannelsPerTeam: 2 });
    try {
      const token = await small.token();
      await createChannel(small, token);
      await createChannel(small, token);
      const res = await request(small.app).post('/v1/channels').set(bearer(token)).send(channelBody());
      expect(res.status).toBe(409);
      expect(res.body.error).toEqual({ code: 'conflict', message: expect.stringContaining('at most 2 channels') });
      // Another team is not affected.
      await createChannel(small, await small.token());
    } finally {
      await small.close();
    }
  });

  it('writes an audit entry with the actor and name and provider only', async () => {
    const teamId = newTeamId();
    const userId = newId('user').id;
    const token = await api.token({ team_id: teamId, sub: userId, name: 'Grace' });
    const channel = await createChannel(api, token, {
      name: 'audited',
      provider: 'slack',
      config: VALID_CONFIGS.slack,
    });
    expect(await auditActions(teamId)).toEqual([
      {
        action: 'create',
        resource_type: 'channel',
        resource_id: channel.id,
        metadata: { name: 'audited', provider: 'slack' },
        actor: ['user', userId, 'Grace'],
      },
    ]);
  });
});

describe('GET /v1/channels', () => {
  it("lists only the caller's team's channels, newest first", async () => {
    const token = await api.token();
    const first = await createChannel(api, token, { name: 'first' });
    await api.deps.db
      .updateTable('channels')
      .set({ created_at: new Date(Date.now() - 60_000) } as never)
      .where('id', '=', parseId('channel', first.id) as string)
      .execute();
    const second = await createChannel(api, token, { name: 'second' });
    await createChannel(api, await api.token(), { name: 'other-team' });

    const res = await request(api.app).get('/v1/channels').set(bearer(token));
    expect(res.status).toBe(200);
    expect(res.body.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);
    for (const c of res.body) Channel.parse(c);
  });

  it('answers an empty array for a team without channels', async () => {
    const res = await request(api.app)
      .get('/v1/channels')
      .set(bearer(await api.token()));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
  });
});

describe('GET /v1/channels/{id}', () => {
  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    const token = await api.token();
    for (const bad of ['nope', 'ch-short', `cl-${'0'.repeat(25)}`, `ch-${'Z'.repeat(25)}`, `ch-${'z'.repeat(25)}`]) {
      const res = await request(api.app).get(`/v1/channels/${bad}`).set(bearer(token));
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
    }
    const unknown = await request(api.app)
      .get(`/v1/channels/${newId('channel').id}`)
      .set(bearer(token));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: { code: 'not_found', message: 'channel not found' } });
  });
});

describe('PATCH /v1/channels/{id}', () => {
  it('renames, resubscribes and disables, and audits the change', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const channel = await createChannel(api, token, { name: 'before' });
    const res = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ name: 'After Rename', events: ['capsule.paused', 'capsule.paused'], enabled: false });
    expect(res.status).toBe(200);
    expect(Channel.parse(res.body)).toMatchObject({ name: 'after-rename', events: ['capsule.paused'], enabled: false });
    const entries = await auditActions(teamId);
    expect(entries.at(-1)).toMatchObject({
      action: 'update',
      resource_id: channel.id,
      metadata: { name: 'after-rename', provider: 'webhook', changed: ['name', 'events', 'enabled'] },
    });
  });

  it('re-enabling clears the auto-disable state', async () => {
    const token = await api.token();
    const channel = await createChannel(api, token);
    const uuid = parseId('channel', channel.id) as string;
    await api.deps.db
      .updateTable('channels')
      .set({ enabled: false, disabled_reason: 'endpoint answered 410 Gone', consecutive_failures: 5 })
      .where('id', '=', uuid)
      .execute();
    const res = await request(api.app).patch(`/v1/channels/${channel.id}`).set(bearer(token)).send({ enabled: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ enabled: true, disabled_reason: null });
    const row = await api.deps.db.selectFrom('channels').selectAll().where('id', '=', uuid).executeTakeFirstOrThrow();
    expect(row.consecutive_failures).toBe(0);
  });

  it('answers 409 when renaming onto another channel of the team', async () => {
    const token = await api.token();
    await createChannel(api, token, { name: 'taken' });
    const channel = await createChannel(api, token, { name: 'free' });
    const res = await request(api.app).patch(`/v1/channels/${channel.id}`).set(bearer(token)).send({ name: 'Taken' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it('answers 400 for an empty or invalid body', async () => {
    const token = await api.token();
    const channel = await createChannel(api, token);
    for (const body of [{}, { enabled: 'yes' }, { events: [] }, { config: {} }, { name: '-bad' }]) {
      const res = await request(api.app).patch(`/v1/channels/${channel.id}`).set(bearer(token)).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe('PUT /v1/channels/{id}/config', () => {
  it('replaces the config, generates a new webhook secret and re-enables the channel', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const created = await createChannel(api, token, {
      provider: 'webhook',
      config: { url: 'https://a.example.com/hook' },
    });
    const uuid = parseId('channel', created.id) as string;
    await api.deps.db
      .updateTable('channels')
      .set({ enabled: false, disabled_reason: 'endpoint gone', consecutive_failures: 5 })
      .where('id', '=', uuid)
      .execute();

    const res = await request(api.app)
      .put(`/v1/channels/${created.id}/config`)
      .set(bearer(token))
      .send({ config: { url: 'https://b.example.com/hook' } });
    expect(res.status).toBe(200);
    const channel = ChannelWithSecret.parse(res.body);
    expect(channel).toMatchObject({ enabled: true, disabled_reason: null, config_fields: ['secret', 'url'] });
    expect(channel.secret).toMatch(/^whsec_/);
    expect(channel.secret).not.toBe(created.secret);

    const row = await api.deps.db.selectFrom('channels').selectAll().where('id', '=', uuid).executeTakeFirstOrThrow();
    expect(row.consecutive_failures).toBe(0);
    expect(api.deps.secrets.decrypt(row.config.url as string)).toBe('https://b.example.com/hook');
    expect(api.deps.secrets.decrypt(row.config.secret as string)).toBe(channel.secret);
    expect((await auditActions(teamId)).map((e) => e.action)).toEqual(['create', 'rotate_config']);
  });

  it('keeps a user-supplied secret out of the answer and drops keys no longer given', async () => {
    const token = await api.token();
    const created = await createChannel(api, token, {
      provider: 'discord',
      config: { ...VALID_CONFIGS.discord, thread_id: '123456789012345678' },
    });
    expect(created.config_fields).toEqual(['thread_id', 'webhook_url']);
    const res = await request(api.app)
      .put(`/v1/channels/${created.id}/config`)
      .set(bearer(token))
      .send({ config: VALID_CONFIGS.discord });
    expect(res.status).toBe(200);
    expect(res.body.config_fields).toEqual(['webhook_url']);
    expect(res.body).not.toHaveProperty('secret');

    const webhook = await createChannel(api, token, { provider: 'webhook', config: { url: 'https://x.example.com' } });
    const rotated = await request(api.app)
      .put(`/v1/channels/${webhook.id}/config`)
      .set(bearer(token))
      .send({ config: { url: 'https://x.example.com', secret: 'rotated-by-hand-secret' } });
    expect(rotated.status).toBe(200);
    expect(rotated.body).not.toHaveProperty('secret');
    expect(JSON.stringify(rotated.body)).not.toContain('rotated-by-hand-secret');
  });

  it("validates the config against the stored channel's provider", async () => {
    const token = await api.token();
    const created = await createChannel(api, token, { provider: 'discord', config: VALID_CONFIGS.discord });
    const res = await request(api.app)
      .put(`/v1/channels/${created.id}/config`)
      .set(bearer(token))
      .send({ config: { url: 'https://example.com' } });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('config.url is not a discord setting');
    const missing = await request(api.app).put(`/v1/channels/${created.id}/config`).set(bearer(token)).send({});
    expect(missing.status).toBe(400);
  });
});

describe('DELETE /v1/channels/{id}', () => {
  it('deletes with 204, then answers 404, and audits the deletion', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const channel = await createChannel(api, token, { name: 'doomed' });
    const res = await request(api.app).delete(`/v1/channels/${channel.id}`).set(bearer(token));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await request(api.app).delete(`/v1/channels/${channel.id}`).set(bearer(token))).status).toBe(404);
    expect((await request(api.app).get(`/v1/channels/${channel.id}`).set(bearer(token))).status).toBe(404);
    const last = (await auditActions(teamId)).at(-1);
    expect(last).toMatchObject({
      action: 'delete',
      resource_id: channel.id,
      metadata: { name: 'doomed', provider: 'webhook' },
    });
  });
});

describe('cross-team isolation', () => {
  it("answers 404 for every route on another team's channel and changes nothing", async () => {
    const ownerToken = await api.token();
    const channel = await createChannel(api, ownerToken, { name: 'private' });
    const intruder = await api.token({ role: 'owner' });
    const attempts = [
      request(api.app).get(`/v1/channels/${channel.id}`).set(bearer(intruder)),
      request(api.app)
        .patch(`/v1/channels/${channel.id}`)
        .set(bearer(intruder))
        .send({ name: 'stolen', enabled: false }),
      request(api.app)
        .put(`/v1/channels/${channel.id}/config`)
        .set(bearer(intruder))
        .send({ config: { url: 'https://evil.example.com' } }),
      request(api.app).post(`/v1/channels/${channel.id}/test`).set(bearer(intruder)),
      request(api.app).delete(`/v1/channels/${channel.id}`).set(bearer(intruder)),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const list = await request(api.app).get('/v1/channels').set(bearer(intruder));
    expect(list.body).toEqual([]);
    const unchanged = await request(api.app).get(`/v1/channels/${channel.id}`).set(bearer(ownerToken));
    expect(unchanged.body).toMatchObject({ name: 'private', enabled: true, config_fields: ['secret', 'url'] });
  });
});

describe('request bodies', () => {
  it('answers 413 beyond 64 KB, 415 for non-JSON and 400 for broken JSON', async () => {
    const token = await api.token();
    const huge = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ ...channelBody(), name: 'x'.repeat(70_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');

    const text = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .set('Content-Type', 'text/plain')
      .send('name=x');
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');

    const form = await request(api.app).post('/v1/channels').set(bearer(token)).type('form').send({ name: 'x' });
    expect(form.status).toBe(415);

    const broken = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .set('Content-Type', 'application/json')
      .send('{"name":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_request');

    const missing = await request(api.app).post('/v1/channels').set(bearer(token));
    expect(missing.status).toBe(400);
  });
});

describe('a change and its audit entry commit together', () => {
  const refuseAuditWrites = async () => {
    await sql`CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit write refused'; END $$`.execute(api.deps.db);
    await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION refuse_audit()`.execute(
      api.deps.db,
    );
  };
  const allowAuditWrites = async () => {
    await sql`DROP TRIGGER IF EXISTS refuse_audit ON audit_logs`.execute(api.deps.db);
    await sql`DROP FUNCTION IF EXISTS refuse_audit()`.execute(api.deps.db);
  };
  const storedChannels = (teamId: string) =>
    api.deps.db
      .selectFrom('channels')
      .selectAll()
      .where('team_id', '=', parseId('team', teamId) as string)
      .orderBy('name')
      .execute();

  it('changes nothing and answers a clean 500 when the audit entry cannot be written', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const channel = await createChannel(api, token, { name: 'kept' });
    const before = await storedChannels(teamId);
    await refuseAuditWrites();
    try {
      const attempts = [
        request(api.app)
          .post('/v1/channels')
          .set(bearer(token))
          .send(channelBody({ name: 'never' })),
        request(api.app)
          .patch(`/v1/channels/${channel.id}`)
          .set(bearer(token))
          .send({ name: 'renamed', enabled: false }),
        request(api.app)
          .put(`/v1/channels/${channel.id}/config`)
          .set(bearer(token))
          .send({ config: { url: 'https://hooks.example.com/other' } }),
        request(api.app).post(`/v1/channels/${channel.id}/rotate-secret`).set(bearer(token)).send({}),
        request(api.app).delete(`/v1/channels/${channel.id}`).set(bearer(token)),
      ];
      for (const attempt of attempts) {
        const res = await attempt;
        expect(res.status).toBe(500);
        expect(res.body).toEqual({ error: { code: 'internal', message: 'internal error' } });
      }
    } finally {
      await allowAuditWrites();
    }
    expect(await storedChannels(teamId)).toEqual(before);
    expect((await auditActions(teamId)).map((e) => e.action)).toEqual(['create']);
  });

  it('writes exactly one audit entry per successful change', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const channel = await createChannel(api, token, { name: 'audited-once' });
    const patched = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ events: ['host.down'] });
    expect(patched.status).toBe(200);
    const replaced = await request(api.app)
      .put(`/v1/channels/${channel.id}/config`)
      .set(bearer(token))
      .send({ config: { url: 'https://hooks.example.com/other' } });
    expect(replaced.status).toBe(200);
    // Refused changes write no entry.
    await createChannel(api, token, { name: 'taken' });
    const conflict = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ name: 'taken' });
    expect(conflict.status).toBe(409);
    const missing = await request(api.app)
      .delete(`/v1/channels/${newId('channel').id}`)
      .set(bearer(token));
    expect(missing.status).toBe(404);
    expect((await request(api.app).delete(`/v1/channels/${channel.id}`).set(bearer(token))).status).toBe(204);

    const entries = (await auditActions(teamId)).filter((e) => e.resource_id === channel.id);
    expect(entries.map((e) => e.action)).toEqual(['create', 'update', 'rotate_config', 'delete']);
    expect(entries[1]?.metadata).toEqual({ name: 'audited-once', provider: 'webhook', changed: ['events'] });
  });

  it('creates exactly one channel and one entry per name under concurrent creates', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        request(api.app)
          .post('/v1/channels')
          .set(bearer(token))
          .send(channelBody({ name: 'raced' })),
      ),
    );
    expect(answers.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(await storedChannels(teamId)).toHaveLength(1);
    expect((await auditActions(teamId)).map((e) => e.action)).toEqual(['create']);
  });
});

describe('dependency outage', () => {
  it('answers 503 unavailable when PostgreSQL is unreachable', async () => {
    const db = createDb({ connectionString: 'postgres://wrenn@127.0.0.1:1/none' });
    const app = createApp({ ...api.deps, db, metrics: createMetricsRegistry('api') });
    try {
      const token = await api.token();
      const res = await request(app).get('/v1/channels').set(bearer(token));
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      const audit = await request(app).get('/v1/audit-logs').set(bearer(token));
      expect(audit.status).toBe(503);
      const create = await request(app).post('/v1/channels').set(bearer(token)).send(channelBody());
      expect(create.status).toBe(503);
    } finally {
      await db.destroy();
    }
  });
});

it('formats team ids in responses as the token carries them', async () => {
  const teamId = newTeamId();
  const channel = await createChannel(api, await api.token({ team_id: teamId }));
  expect(channel.team_id).toBe(formatId('team', parseId('team', teamId) as string));
});

import { openConfig } from '@wrenn/crypto';
import { type DeliveryId, EVENT_TYPES, formatId, newId, parseId } from '@wrenn/events';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, channelBody, createChannel, VALID_CONFIGS } from './support/channel-fixtures';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api?.close();
});

async function teamToken() {
  const teamId = newTeamId();
  return { teamId, token: await api.token({ team_id: teamId }) };
}

function storedChannel(id: string) {
  return api.deps.db
    .selectFrom('channels')
    .selectAll()
    .where('id', '=', parseId('channel', id) as string)
    .executeTakeFirstOrThrow();
}

describe('event patterns', () => {
  it('accepts *, prefix patterns and event types, returned as given without duplicates', async () => {
    const { token } = await teamToken();
    const events = ['capsule.*', 'host.down', '*', 'template.snapshot.*', 'capsule.*', 'channel.*', 'template.*'];
    const res = await request(api.app).post('/v1/channels').set(bearer(token)).send(channelBody({ events }));
    expect(res.status).toBe(201);
    expect(res.body.events).toEqual(['capsule.*', 'host.down', '*', 'template.snapshot.*', 'channel.*', 'template.*']);
    // The pattern itself is stored, not the types it matches today.
    expect((await storedChannel(res.body.id)).event_types).toEqual(res.body.events);
    const got = await request(api.app).get(`/v1/channels/${res.body.id}`).set(bearer(token));
    expect(got.body.events).toEqual(res.body.events);

    const patched = await request(api.app)
      .patch(`/v1/channels/${res.body.id}`)
      .set(bearer(token))
      .send({ events: ['host.*', 'host.*'] });
    expect(patched.status).toBe(200);
    expect(patched.body.events).toEqual(['host.*']);
  });

  it('refuses a pattern that matches nothing with 400 listing the valid ones, and channel.test; stores nothing', async () => {
    const { token } = await teamToken();
    for (const bad of ['capsule.created.*', 'nope.*', '*.down', 'host*', 'channel.test']) {
      const res = await request(api.app)
        .post('/v1/channels')
        .set(bearer(token))
        .send(channelBody({ events: ['host.down', bad] }));
      expect(res.status, bad).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toMatch(/^body\.events\.1: /);
      if (bad !== 'channel.test') {
        expect(res.body.error.message).toContain(`valid: ${EVENT_TYPES.join(', ')}`);
        expect(res.body.error.message).toContain('*, capsule.*, template.*, template.snapshot.*, host.*, channel.*');
      }
    }
    const list = await request(api.app).get('/v1/channels').set(bearer(token));
    expect(list.body).toEqual([]);
    const channel = await createChannel(api, token);
    const patch = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ events: ['capsule.created.*'] });
    expect(patch.status).toBe(400);
    expect((await storedChannel(channel.id)).event_types).toEqual(['capsule.created', 'host.down']);
  });
});

describe('GET /v1/event-types', () => {
  it('lists every subscribable event with a description and the JSON Schema of its payload', async () => {
    const { token } = await teamToken();
    const res = await request(api.app).get('/v1/event-types').set(bearer(token));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['items']);
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual([...EVENT_TYPES]);
    expect(res.body.items.map((i: { name: string }) => i.name)).toContain('channel.disabled');
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual(['description', 'name', 'schema']);
      expect(item.description).toMatch(/\.$/);
      expect(item.schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(item.schema.properties.event).toEqual({ type: 'string', const: item.name });
    }
    const disabled = res.body.items.find((i: { name: string }) => i.name === 'channel.disabled');
    expect(disabled.schema.properties.metadata.required).toEqual(['name', 'provider', 'reason']);
    expect(disabled.schema.properties.resource.properties.type).toEqual({ type: 'string', const: 'channel' });
  });

  it('needs a user token', async () => {
    const res = await request(api.app).get('/v1/event-types');
    expect(res.status).toBe(401);
  });
});

describe('POST /v1/channels/{id}/rotate-secret', () => {
  // Without a body by default: every field of it is optional.
  const rotate = (id: string, token: string, body?: unknown) => {
    const req = request(api.app).post(`/v1/channels/${id}/rotate-secret`).set(bearer(token));
    return body === undefined ? req : req.send(body as object);
  };

  it('returns a new whsec_ secret once; the old one, still sealed, signs for 24 h by default; audited without secrets', async () => {
    const { teamId, token } = await teamToken();
    const created = await createChannel(api, token, { config: { url: 'https://hooks.example.com/in' } });
    const before = Date.now();
    const res = await rotate(created.id, token);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['previous_secret_expires_at', 'secret']);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(res.body.secret).not.toBe(created.secret);
    const expires = Date.parse(res.body.previous_secret_expires_at);
    expect(res.body.previous_secret_expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 86_400_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 86_400_000);

    const row = await storedChannel(created.id);
    expect(row.previous_secret_expires_at?.getTime()).toBe(expires);
    // Sealed like every config value; neither secret is stored in clear.
    expect(JSON.stringify(row.config)).not.toContain(res.body.secret);
    expect(JSON.stringify(row.config)).not.toContain(created.secret);
    expect(openConfig(api.deps.secrets, row.config)).toEqual({
      url: 'https://hooks.example.com/in',
      secret: res.body.secret,
      previous_secret: created.secret,
    });

    const channel = await request(api.app).get(`/v1/channels/${created.id}`).set(bearer(token));
    expect(channel.body.config_fields).toEqual(['secret', 'url']);
    expect(JSON.stringify(channel.body)).not.toContain('whsec_');

    const audit = await api.deps.db
      .selectFrom('audit_logs')
      .selectAll()
      .where('team_id', '=', parseId('team', teamId) as string)
      .where('action', '=', 'rotate_secret')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      resource_type: 'channel',
      resource_id: created.id,
      actor_type: 'user',
      metadata: {
        name: created.name,
        provider: 'webhook',
        grace_period_s: 86_400,
        previous_secret_expires_at: res.body.previous_secret_expires_at,
      },
    });
    expect(JSON.stringify(audit)).not.toContain('whsec_');
  });

  it('drops the old secret at once with grace_period_s 0, and an older one on a second rotation', async () => {
    const { token } = await teamToken();
    const created = await createChannel(api, token, { config: { url: 'https://hooks.example.com/in' } });
    const first = await rotate(created.id, token, { grace_period_s: 600 });
    const second = await rotate(created.id, token, { grace_period_s: 7 * 86_400 });
    expect(second.status).toBe(200);
    let config = openConfig(api.deps.secrets, (await storedChannel(created.id)).config);
    expect(config).toMatchObject({ secret: second.body.secret, previous_secret: first.body.secret });
    expect(Date.parse(second.body.previous_secret_expires_at)).toBeGreaterThan(Date.now() + 7 * 86_400_000 - 5_000);

    const third = await rotate(created.id, token, { grace_period_s: 0 });
    expect(third.status).toBe(200);
    expect(third.body.previous_secret_expires_at).toBeNull();
    const row = await storedChannel(created.id);
    config = openConfig(api.deps.secrets, row.config);
    expect(config).toEqual({ url: 'https://hooks.example.com/in', secret: third.body.secret });
    expect(row.previous_secret_expires_at).toBeNull();
  });

  it('PUT config stays an immediate replacement: the previous secret goes too', async () => {
    const { token } = await teamToken();
    const created = await createChannel(api, token, { config: { url: 'https://hooks.example.com/in' } });
    expect((await rotate(created.id, token, { grace_period_s: 3600 })).status).toBe(200);
    const put = await request(api.app)
      .put(`/v1/channels/${created.id}/config`)
      .set(bearer(token))
      .send({
        config: { url: 'https://hooks.example.com/new', secret: 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' },
      });
    expect(put.status).toBe(200);
    const row = await storedChannel(created.id);
    expect(Object.keys(row.config).sort()).toEqual(['secret', 'url']);
    expect(row.previous_secret_expires_at).toBeNull();
  });

  it('refuses other providers, bad grace periods, unknown fields and malformed ids with 400; unknown and foreign with 404', async () => {
    const { token } = await teamToken();
    const webhook = await createChannel(api, token);
    const slack = await createChannel(api, token, { provider: 'slack', config: VALID_CONFIGS.slack });
    const notWebhook = await rotate(slack.id, token);
    expect(notWebhook.status).toBe(400);
    expect(notWebhook.body.error.message).toContain('only webhook channels');
    for (const grace of [-1, 604_801, 1.5, '60', null]) {
      const res = await rotate(webhook.id, token, { grace_period_s: grace });
      expect(res.status, String(grace)).toBe(400);
      expect(res.body.error.message).toContain(
        'body.grace_period_s: must be a whole number of seconds from 0 to 604800',
      );
    }
    expect((await rotate(webhook.id, token, { grace: 5 })).body.error.message).toContain('unknown field "grace"');
    expect((await rotate(webhook.id, token, [])).status).toBe(400);
    expect((await rotate('ch-nope', token)).status).toBe(400);
    expect((await rotate(newId('channel').id, token)).status).toBe(404);
    const stranger = await api.token({ team_id: newTeamId() });
    expect((await rotate(webhook.id, stranger)).status).toBe(404);
    expect((await request(api.app).post(`/v1/channels/${webhook.id}/rotate-secret`).send({})).status).toBe(401);
    // Nothing changed by any of those.
    const row = await storedChannel(webhook.id);
    expect(Object.keys(row.config).sort()).toEqual(['secret', 'url']);
    expect(openConfig(api.deps.secrets, row.config).secret).toBe(VALID_CONFIGS.webhook.secret);
    expect((await rotate(webhook.id, token, { grace_period_s: 604_800 })).status).toBe(200);
  });
});

describe('POST /v1/channels/{id}/deliveries/retry', () => {
  /** A delivery of a new event to the channel, created `secondsAgo` seconds ago. */
  async function addDelivery(
    teamId: string,
    channelId: string,
    status: 'pending' | 'succeeded' | 'failed',
    secondsAgo: number,
  ): Promise<DeliveryId> {
    const { eventIds } = await api.deps.audit.record([
      {
        team_id: teamId,
        actor: { type: 'system' },
        resource_type: 'host',
        resource_id: 'host-1',
        action: 'marked_down',
      },
    ]);
    const delivery = newId('delivery');
    const at = new Date(Date.now() - secondsAgo * 1000);
    await api.deps.db
      .insertInto('deliveries')
      .values({
        id: delivery.uuid,
        event_id: parseId('event', eventIds[0]) as string,
        channel_id: parseId('channel', channelId) as string,
        team_id: parseId('team', teamId) as string,
        event_type: 'host.down',
        status,
        attempts: status === 'pending' ? 0 : 3,
        last_error: status === 'failed' ? 'HTTP 503' : null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return delivery.id;
  }

  const bulk = (id: string, token: string, body: unknown) =>
    request(api.app)
      .post(`/v1/channels/${id}/deliveries/retry`)
      .set(bearer(token))
      .send(body as object);

  it('redelivers every failed delivery created at or after since, each as a new generation with its job; 202 {count}', async () => {
    const { teamId, token } = await teamToken();
    const channel = await createChannel(api, token, { events: ['host.*'] });
    const other = await createChannel(api, token, { events: ['host.*'] });
    const old = await addDelivery(teamId, channel.id, 'failed', 3600);
    const recent = [
      await addDelivery(teamId, channel.id, 'failed', 600),
      await addDelivery(teamId, channel.id, 'failed', 300),
      await addDelivery(teamId, channel.id, 'failed', 60),
    ];
    const succeeded = await addDelivery(teamId, channel.id, 'succeeded', 60);
    const pending = await addDelivery(teamId, channel.id, 'pending', 60);
    const otherFailed = await addDelivery(teamId, other.id, 'failed', 60);

    const since = new Date(Date.now() - 600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const res = await bulk(channel.id, token, { since, status: 'failed' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ count: 3 });

    const rows = await api.deps.db
      .selectFrom('deliveries')
      .select(['id', 'status', 'generation', 'attempts'])
      .where(
        'id',
        'in',
        [old, ...recent, succeeded, pending, otherFailed].map((d) => parseId('delivery', d) as string),
      )
      .execute();
    const byId = new Map(rows.map((r) => [formatId('delivery', r.id), r]));
    for (const id of recent) {
      expect(byId.get(id)).toMatchObject({ status: 'pending', generation: 2, attempts: 3 });
    }
    // One drain for the channel takes them all (its job id is the channel id).
    expect((await api.deliveries.getJob(channel.id))?.data).toEqual({ channelId: channel.id });
    expect(await api.deliveries.getJob(other.id)).toBeUndefined();
    expect(byId.get(old)).toMatchObject({ status: 'failed', generation: 1 });
    expect(byId.get(succeeded)).toMatchObject({ status: 'succeeded', generation: 1 });
    expect(byId.get(pending)).toMatchObject({ status: 'pending', generation: 1 });
    expect(byId.get(otherFailed)).toMatchObject({ status: 'failed', generation: 1 });

    // They are pending now: asking again finds nothing; an offset timestamp and the default status work too.
    const again = await bulk(channel.id, token, { since: '2000-01-01T01:00:00+01:00' });
    expect(again.body).toEqual({ count: 1 });
    expect(byId.get(old)).toBeDefined();
    const oldRow = await api.deps.db
      .selectFrom('deliveries')
      .select(['status', 'generation'])
      .where('id', '=', parseId('delivery', old) as string)
      .executeTakeFirstOrThrow();
    expect(oldRow).toEqual({ status: 'pending', generation: 2 });
  });

  it('answers 409 while the channel is disabled, and changes nothing', async () => {
    const { teamId, token } = await teamToken();
    const channel = await createChannel(api, token, { events: ['host.down'] });
    const failed = await addDelivery(teamId, channel.id, 'failed', 10);
    await request(api.app).patch(`/v1/channels/${channel.id}`).set(bearer(token)).send({ enabled: false });
    const res = await bulk(channel.id, token, { since: '2020-01-01T00:00:00Z' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    const row = await api.deps.db
      .selectFrom('deliveries')
      .select(['status', 'generation'])
      .where('id', '=', parseId('delivery', failed) as string)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', generation: 1 });
  });

  it('refuses a missing or malformed since, another status and unknown fields with 400; unknown and foreign channels with 404', async () => {
    const { teamId, token } = await teamToken();
    const channel = await createChannel(api, token, { events: ['host.down'] });
    const failed = await addDelivery(teamId, channel.id, 'failed', 10);
    const cases: Array<[unknown, string]> = [
      [{}, 'body.since: is required'],
      [{ since: 'yesterday' }, 'body.since: must be an RFC 3339 date-time'],
      [{ since: '2026-13-45T00:00:00Z' }, 'body.since: must be an RFC 3339 date-time'],
      [{ since: '2026-01-01' }, 'body.since: must be an RFC 3339 date-time'],
      [{ since: 1_700_000_000 }, 'body.since: must be an RFC 3339 date-time'],
      [{ since: '2026-01-01T00:00:00Z', status: 'succeeded' }, 'body.status: must be "failed"'],
      [{ since: '2026-01-01T00:00:00Z', limit: 5 }, 'unknown field "limit"'],
    ];
    for (const [body, message] of cases) {
      const res = await bulk(channel.id, token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.message).toContain(message);
    }
    expect((await bulk('ch-bad', token, { since: '2026-01-01T00:00:00Z' })).status).toBe(400);
    expect((await bulk(newId('channel').id, token, { since: '2026-01-01T00:00:00Z' })).status).toBe(404);
    const stranger = await api.token({ team_id: newTeamId() });
    expect((await bulk(channel.id, stranger, { since: '2026-01-01T00:00:00Z' })).status).toBe(404);
    const anonymous = await request(api.app)
      .post(`/v1/channels/${channel.id}/deliveries/retry`)
      .send({ since: '2026-01-01T00:00:00Z' });
    expect(anonymous.status).toBe(401);
    const row = await api.deps.db
      .selectFrom('deliveries')
      .select(['status', 'generation'])
      .where('id', '=', parseId('delivery', failed) as string)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', generation: 1 });
  });
});

describe('OpenAPI', () => {
  it('documents the catalog, rotation and bulk recovery with their answers', async () => {
    const doc = (await request(api.app).get('/openapi.json')).body;
    expect(doc.paths['/v1/event-types'].get.responses['200']).toBeDefined();
    const rotateDoc = doc.paths['/v1/channels/{id}/rotate-secret'].post;
    expect(Object.keys(rotateDoc.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(rotateDoc.requestBody.required).toBe(false);
    expect(rotateDoc.requestBody.content['application/json'].schema.properties.grace_period_s).toMatchObject({
      minimum: 0,
      maximum: 604_800,
      default: 86_400,
    });
    const bulkDoc = doc.paths['/v1/channels/{id}/deliveries/retry'].post;
    expect(Object.keys(bulkDoc.responses)).toEqual(expect.arrayContaining(['202', '400', '404', '409']));
    expect(bulkDoc.requestBody.content['application/json'].schema.required).toEqual(['since']);
  });
});

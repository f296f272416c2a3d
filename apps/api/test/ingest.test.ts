import { createAuditLogger } from '@wrenn/audit';
import { createDb } from '@wrenn/db';
import { newId, parseId } from '@wrenn/events';
import { createProducerConnection, createQueues, PRODUCER_COMMAND_TIMEOUT_MS } from '@wrenn/queues';
import { createMetricsRegistry } from '@wrenn/runtime';
import { testRedisUrl, uniqueQueuePrefix } from '@wrenn/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createEventPublisher } from '../src/ingest/event-publisher';
import { startHungRedis } from './support/hung-redis';
import { createTestApi, type TestApi } from './support/test-api';

function entry(overrides: Record<string, unknown> = {}) {
  return {
    team_id: newId('team').id,
    actor: { type: 'user', id: newId('user').id, name: 'Ada' },
    resource_type: 'sandbox',
    resource_id: newId('capsule').id,
    action: 'create',
    metadata: { template: 'python-3.12' },
    ...overrides,
  };
}

describe('POST /internal/v1/audit', () => {
  let api: TestApi;
  const post = (body: unknown, token = api.deps.internalToken) =>
    request(api.app)
      .post('/internal/v1/audit')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));
  const countLogs = async () =>
    Number(
      (
        await api.deps.db
          .selectFrom('audit_logs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api?.close());

  it('stores one entry, raises its event and enqueues it under the event id', async () => {
    const body = entry({ scope: undefined, status: undefined });
    const res = await post(body);
    expect(res.status).toBe(202);
    expect(res.body.ids).toHaveLength(1);
    const logUuid = parseId('auditLog', res.body.ids[0]);
    expect(logUuid).not.toBeNull();

    const row = await api.deps.db
      .selectFrom('audit_logs')
      .selectAll()
      .where('id', '=', logUuid as string)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      team_id: parseId('team', body.team_id),
      actor_type: 'user',
      actor_id: body.actor.id,
      actor_name: 'Ada',
      resource_type: 'sandbox',
      resource_id: body.resource_id,
      action: 'create',
      scope: 'team',
      status: 'success',
      metadata: { template: 'python-3.12' },
    });
    const event = await api.deps.db
      .selectFrom('events')
      .selectAll()
      .where('audit_log_id', '=', logUuid as string)
      .executeTakeFirstOrThrow();
    expect(event.event_type).toBe('capsule.created');
    expect(event.payload).toMatchObject({
      event: 'capsule.created',
      team_id: body.team_id,
      actor: { type: 'user', id: body.actor.id, name: 'Ada' },
      resource: { id: body.resource_id, type: 'sandbox' },
      metadata: { template: 'python-3.12' },
    });
    const eventId = (event.payload as { id: string }).id;
    expect(parseId('event', eventId)).toBe(event.id);
    const job = await api.events.getJob(eventId);
    expect(job?.data).toEqual({ eventId });
  });

  it('stores an array in order; only lifecycle entries become events', async () => {
    const team = newId('team').id;
    const body = [
      entry({ team_id: team, resource_type: 'host', action: 'marked_down', actor: { type: 'system' } }),
      entry({ team_id: team, resource_type: 'team', action: 'rename', status: 'info' }),
      entry({ team_id: team, resource_type: 'member', action: 'add', scope: 'admin' }),
    ];
    const res = await post(body);
    expect(res.status).toBe(202);
    expect(res.body.ids).toHaveLength(3);
    const uuids = (res.body.ids as string[]).map((id) => parseId('auditLog', id) as string);
    const rows = await api.deps.db.selectFrom('audit_logs').selectAll().where('id', 'in', uuids).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(uuids.map((id) => byId.get(id)?.action)).toEqual(['marked_down', 'rename', 'add']);
    expect(byId.get(uuids[0] as string)).toMatchObject({ actor_type: 'system', actor_id: null, actor_name: '' });
    expect(byId.get(uuids[2] as string)?.scope).toBe('admin');
    const events = await api.deps.db
      .selectFrom('events')
      .select('event_type')
      .where('audit_log_id', 'in', uuids)
      .execute();
    expect(events.map((e) => e.event_type)).toEqual(['host.down']);
  });

  it('accepts 500 entries and long strings; optional fields may be null', async () => {
    const long = 'x'.repeat(200_000);
    expect((await post([entry({ resource_id: long, actor: { type: 'api_key', id: null, name: null } })])).status).toBe(
      202,
    );
    const res = await post(Array.from({ length: 500 }, () => entry({ metadata: {} })));
    expect(res.status).toBe(202);
    expect(res.body.ids).toHaveLength(500);
  });

  it.each([
    ['an empty array', [], /at least one/],
    ['501 entries', Array.from({ length: 501 }, () => entry()), /at most 500/],
    ['a string', 'hello', /audit entry or an array/],
    ['null', null, /audit entry or an array|body/],
    ['a bad team id', entry({ team_id: 'team-nope' }), /body\.team_id: must be a team id/],
    ['a user id as team id', entry({ team_id: newId('user').id }), /body\.team_id/],
    ['a missing actor', entry({ actor: undefined }), /body\.actor/],
    [
      'an unknown actor type',
      entry({ actor: { type: 'robot' } }),
      /body\.actor\.type: must be one of user, api_key, system/,
    ],
    ['an empty action', entry({ action: '' }), /body\.action: must not be empty/],
    ['a missing resource_type', entry({ resource_type: undefined }), /body\.resource_type/],
    ['a bad scope', entry({ scope: 'world' }), /body\.scope: must be team or admin/],
    ['a bad status', entry({ status: 'fine' }), /body\.status/],
    ['array metadata', entry({ metadata: [1, 2] }), /body\.metadata: must be an object/],
    ['an unknown field', entry({ colour: 'red' }), /unknown field colour/],
    ['a number as resource_id', entry({ resource_id: 42 }), /body\.resource_id: must be a string/],
    ['a NUL character', entry({ resource_id: 'a\u0000b' }), /body\.resource_id: must not contain U\+0000/],
    ['a NUL in metadata', entry({ metadata: { a: ['x\u0000'] } }), /body\.metadata: must not contain U\+0000/],
    ['an unpaired surrogate', entry({ metadata: { ['\ud800']: 1 } }), /body\.metadata: keys must not contain/],
    [
      'metadata nested too deep',
      entry({ metadata: JSON.parse(`${'{"a":'.repeat(70)}1${'}'.repeat(70)}`) }),
      /body\.metadata: must not nest deeper than 64/,
    ],
  ])('rejects %s with 400 and stores nothing', async (_name, body, message) => {
    const before = await countLogs();
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(message);
    expect(await countLogs()).toBe(before);
  });

  it('names the index of the invalid entry and stores none of the batch', async () => {
    const before = await countLogs();
    const res = await post([entry(), entry(), entry({ actor: { type: 'user', id: 7 } }), entry()]);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^body\[2\]\.actor\.id: /);
    expect(await countLogs()).toBe(before);
  });

  it('refuses callers without the internal token and bodies over 1 MB', async () => {
    expect((await post(entry(), 'wrong-token-wrong-token')).status).toBe(401);
    expect((await request(api.app).post('/internal/v1/audit').send(entry())).status).toBe(401);
    const big = Array.from({ length: 20 }, () => entry({ resource_id: 'z'.repeat(60_000) }));
    expect((await post(big)).status).toBe(413);
    const text = await request(api.app)
      .post('/internal/v1/audit')
      .set('Authorization', `Bearer ${api.deps.internalToken}`)
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(text.status).toBe(415);
  });

  it('is documented in /openapi.json', async () => {
    const res = await request(api.app).get('/openapi.json');
    const op = res.body.paths['/internal/v1/audit'].post;
    expect(op.security).toEqual([{ internalToken: [] }]);
    expect(op.responses['202']).toBeDefined();
    expect(JSON.stringify(op.requestBody)).toContain('resource_type');
  });
});

describe('POST /internal/v1/audit while a dependency is down', () => {
  it('answers 202 with Redis unreachable: the events wait in the outbox for the relay', async () => {
    const api = await createTestApi();
    try {
      api.deps.redis.disconnect();
      const body = entry({ resource_type: 'host', action: 'marked_up', actor: { type: 'system' } });
      const started = Date.now();
      const res = await request(api.app)
        .post('/internal/v1/audit')
        .set('Authorization', `Bearer ${api.deps.internalToken}`)
        .send(body);
      expect(res.status).toBe(202);
      expect(Date.now() - started).toBeLessThan(3_000);
      const pending = await api.deps.db
        .selectFrom('outbox')
        .innerJoin('events', 'events.id', 'outbox.event_id')
        .select('events.event_type')
        .execute();
      expect(pending).toEqual([{ event_type: 'host.up' }]);
    } finally {
      await api.close();
    }
  });

  it('answers 503 with PostgreSQL unreachable', async () => {
    const api = await createTestApi();
    const deadDb = createDb({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const app = createApp({
        ...api.deps,
        db: deadDb,
        audit: createAuditLogger({ db: deadDb, logger: api.deps.logger }),
        metrics: createMetricsRegistry('api'),
      });
      const res = await request(app)
        .post('/internal/v1/audit')
        .set('Authorization', `Bearer ${api.deps.internalToken}`)
        .send(entry());
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
    } finally {
      await deadDb.destroy();
      await api.close();
    }
  });

  /**
   * The API wired like main.ts, but its producer connection goes through a
   * proxy that can turn into a Redis that accepts bytes and never answers.
   */
  async function apiBehindHungRedis(options: { hungFromStart: boolean }) {
    const api = await createTestApi();
    const proxy = await startHungRedis(testRedisUrl(), { hung: options.hungFromStart });
    const redis = createProducerConnection(proxy.url);
    redis.on('error', () => {});
    const queues = createQueues(redis, uniqueQueuePrefix());
    queues.events.on('error', () => {});
    for (const queue of queues.allDeliveries) queue.on('error', () => {});
    const publishEvents = createEventPublisher({ queue: queues.events });
    const audit = createAuditLogger({ db: api.deps.db, logger: api.deps.logger, publish: publishEvents });
    const app = createApp({
      ...api.deps,
      redis,
      deliveryQueues: queues,
      audit,
      publishEvents,
      metrics: createMetricsRegistry('api'),
    });
    const ingest = (body: object, key?: string) => {
      const req = request(app).post('/internal/v1/audit').set('Authorization', `Bearer ${api.deps.internalToken}`);
      if (key) req.set('Idempotency-Key', key);
      return req.send(body);
    };
    return {
      api,
      proxy,
      redis,
      queues,
      ingest,
      async close() {
        // Ending the connection first releases BullMQ's wait for a ready one.
        redis.disconnect();
        await queues.close();
        await proxy.close();
        await api.close();
      },
    };
  }

  it('answers 202 promptly when Redis hangs mid-life, and keeps the events for the relay', async () => {
    const setup = await apiBehindHungRedis({ hungFromStart: false });
    try {
      await setup.queues.events.waitUntilReady();
      const warm = await setup.ingest(entry());
      expect(warm.status).toBe(202);
      setup.proxy.hang();

      // The connection itself gives up on an unanswered command.
      const pingStarted = Date.now();
      await expect(setup.redis.ping()).rejects.toThrow(/timed out/i);
      expect(Date.now() - pingStarted).toBeLessThan(PRODUCER_COMMAND_TIMEOUT_MS + 1_000);

      for (const key of [undefined, `hang-${newId('event').id}`]) {
        const body = entry({ resource_type: 'host', action: 'marked_down', actor: { type: 'system' } });
        const started = Date.now();
        const res = await setup.ingest(body, key);
        expect(res.status).toBe(202);
        expect(Date.now() - started).toBeLessThan(3_000);
        const logUuid = parseId('auditLog', res.body.ids[0]) as string;
        // Stored and still in the outbox, for the relay to enqueue.
        const event = await setup.api.deps.db
          .selectFrom('events')
          .innerJoin('outbox', 'outbox.event_id', 'events.id')
          .select('events.event_type')
          .where('events.audit_log_id', '=', logUuid)
          .executeTakeFirstOrThrow();
        expect(event).toEqual({ event_type: 'host.down' });
      }
    } finally {
      await setup.close();
    }
  });

  it('answers 202 promptly when Redis accepts connections but never answers from the start', async () => {
    const setup = await apiBehindHungRedis({ hungFromStart: true });
    try {
      for (const key of [undefined, `hang-${newId('event').id}`]) {
        const started = Date.now();
        const res = await setup.ingest([entry(), entry({ resource_type: 'snapshot', action: 'delete' })], key);
        expect(res.status).toBe(202);
        expect(Date.now() - started).toBeLessThan(3_000);
        const uuids = (res.body.ids as string[]).map((id) => parseId('auditLog', id) as string);
        const events = await setup.api.deps.db
          .selectFrom('events')
          .select('event_type')
          .where('audit_log_id', 'in', uuids)
          .orderBy('event_type')
          .execute();
        expect(events.map((e) => e.event_type)).toEqual(['capsule.created', 'template.snapshot.deleted']);
      }
    } finally {
      await setup.close();
    }
  });
});

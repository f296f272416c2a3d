import type { AttemptOutcome, DeliveryStatus } from '@wrenn/db';
import { type EventType, formatId, newId, parseId } from '@wrenn/events';
import { CompiledQuery, sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryLogQuery } from '../src/deliveries/delivery-repository';
import { DeliveryListQuery } from '../src/deliveries/delivery-schemas';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

const MINUTE = 60_000;

/** The audit entry that becomes each event type used here. */
const ENTRIES: Partial<Record<EventType, { resource_type: string; action: string }>> = {
  'host.down': { resource_type: 'host', action: 'marked_down' },
  'host.up': { resource_type: 'host', action: 'marked_up' },
  'capsule.created': { resource_type: 'sandbox', action: 'create' },
};

describe('delivery detail and log filters', () => {
  let api: TestApi;
  let token: string;
  let teamId: string;
  let channelId: string;
  let channelUuid: string;
  /** Every delivery of the channel, as created (oldest first). */
  const made: Array<{ id: string; status: DeliveryStatus; event: EventType; at: Date }> = [];
  const base = Date.parse('2026-11-20T12:00:00Z');

  async function addDelivery(event: EventType, status: DeliveryStatus, at: Date, channel = channelUuid) {
    const entry = ENTRIES[event];
    if (!entry) throw new Error(`no entry for ${event}`);
    const { eventIds } = await api.deps.audit.record([
      {
        team_id: teamId,
        actor: { type: 'user', id: newId('user').id, name: 'Ada' },
        resource_id: newId('host').id,
        metadata: { template: 'python-3.12' },
        ...entry,
      },
    ]);
    const delivery = newId('delivery');
    await api.deps.db
      .insertInto('deliveries')
      .values({
        id: delivery.uuid,
        event_id: parseId('event', eventIds[0]) as string,
        channel_id: channel,
        team_id: parseId('team', teamId) as string,
        event_type: event,
        status,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return { id: delivery.id, uuid: delivery.uuid, eventId: eventIds[0] as string };
  }

  async function addAttempts(
    deliveryUuid: string,
    attempts: Array<{ outcome: AttemptOutcome; status_code: number | null; error?: string; at: Date }>,
  ) {
    await api.deps.db
      .insertInto('delivery_attempts')
      .values(
        attempts.map((a, i) => ({
          delivery_id: deliveryUuid,
          attempt: i + 1,
          outcome: a.outcome,
          status_code: a.status_code,
          error: a.error ?? null,
          latency_ms: 10 + i,
          created_at: a.at,
        })),
      )
      .execute();
    await api.deps.db
      .updateTable('deliveries')
      .set({ attempts: attempts.length })
      .where('id', '=', deliveryUuid)
      .execute();
  }

  beforeAll(async () => {
    api = await createTestApi();
    teamId = newId('team').id;
    token = await api.token({ team_id: teamId });
    const channel = await createChannel(api, token, { events: ['*'] });
    channelId = channel.id;
    channelUuid = parseId('channel', channelId) as string;
    // Ten deliveries, one a minute from `base`: statuses and events rotate.
    const events: EventType[] = ['host.down', 'host.up', 'capsule.created'];
    const statuses: DeliveryStatus[] = ['succeeded', 'failed', 'succeeded', 'pending', 'failed'];
    for (let i = 0; i < 10; i += 1) {
      const at = new Date(base + i * MINUTE);
      const event = events[i % 3] as EventType;
      const status = statuses[i % 5] as DeliveryStatus;
      const { id } = await addDelivery(event, status, at);
      made.push({ id, status, event, at });
    }
  });
  afterAll(() => api?.close());

  const get = (path: string, t = token) => request(api.app).get(path).set(bearer(t));
  const list = (query: string, id = channelId) => get(`/v1/channels/${id}/deliveries${query}`);
  const ids = (res: { body: { items: Array<{ id: string }> } }) => res.body.items.map((d) => d.id);
  const expected = (keep: (d: (typeof made)[number]) => boolean) =>
    made
      .filter(keep)
      .map((d) => d.id)
      .reverse();

  describe('GET /v1/channels/{id}/deliveries/{dlv}', () => {
    // Its own channel: the filter tests below see only the ten deliveries of `channelId`.
    let detailChannel: { id: string; uuid: string };
    beforeAll(async () => {
      const created = await createChannel(api, token, { events: ['*'] });
      detailChannel = { id: created.id, uuid: parseId('channel', created.id) as string };
    });
    const detail = (dlv: string) => get(`/v1/channels/${detailChannel.id}/deliveries/${dlv}`);

    it('answers the delivery, the webhook payload and every attempt oldest first, with API outcomes', async () => {
      const { id, uuid, eventId } = await addDelivery(
        'host.down',
        'failed',
        new Date(base - 10 * MINUTE),
        detailChannel.uuid,
      );
      const t0 = base - 9 * MINUTE;
      await addAttempts(uuid, [
        { outcome: 'retry', status_code: 503, error: 'HTTP 503: upstream busy', at: new Date(t0) },
        { outcome: 'retry', status_code: 429, error: 'rate limited', at: new Date(t0 + 1_000) },
        { outcome: 'retry', status_code: null, error: 'timed out after 10000 ms', at: new Date(t0 + 11_000) },
        { outcome: 'retry', status_code: 500, error: 'HTTP 500', at: new Date(t0 + 41_000) },
      ]);
      const res = await detail(id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, event_id: eventId, event: 'host.down', status: 'failed' });
      expect(res.body.payload).toMatchObject({
        id: eventId,
        event: 'host.down',
        team_id: teamId,
        actor: { type: 'user', name: 'Ada' },
        resource: { type: 'host' },
        metadata: { template: 'python-3.12' },
      });
      expect(res.body.attempts).toEqual([
        {
          attempt: 1,
          at: '2026-11-20T11:51:00Z',
          outcome: 'retry',
          status_code: 503,
          latency_ms: 10,
          error: 'HTTP 503: upstream busy',
        },
        {
          attempt: 2,
          at: '2026-11-20T11:51:01Z',
          outcome: 'rate_limited',
          status_code: 429,
          latency_ms: 11,
          error: 'rate limited',
        },
        {
          attempt: 3,
          at: '2026-11-20T11:51:11Z',
          outcome: 'retry',
          status_code: null,
          latency_ms: 12,
          error: 'timed out after 10000 ms',
        },
        // The last attempt of a failed delivery failed it, though the answer itself was retryable.
        {
          attempt: 4,
          at: '2026-11-20T11:51:41Z',
          outcome: 'failed',
          status_code: 500,
          latency_ms: 13,
          error: 'HTTP 500',
        },
      ]);
    });

    it('shows a permanent failure as failed and a success as succeeded', async () => {
      const { id, uuid } = await addDelivery('host.up', 'succeeded', new Date(base - 20 * MINUTE), detailChannel.uuid);
      await addAttempts(uuid, [
        { outcome: 'permanent', status_code: 404, error: 'HTTP 404', at: new Date(base - 19 * MINUTE) },
        { outcome: 'succeeded', status_code: 200, at: new Date(base - 18 * MINUTE) },
      ]);
      const res = await detail(id);
      expect(res.body.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['failed', 'succeeded']);
      expect(res.body.attempts[1].error).toBeNull();
    });

    it('shows the one request of a combined chat message as an attempt of each delivery it carried', async () => {
      const chat = await createChannel(api, token, { provider: 'slack', events: ['*'] });
      const chatUuid = parseId('channel', chat.id) as string;
      const at = new Date(base - 30 * MINUTE);
      const carried = [
        await addDelivery('host.down', 'succeeded', at, chatUuid),
        await addDelivery('host.up', 'succeeded', at, chatUuid),
        await addDelivery('capsule.created', 'succeeded', at, chatUuid),
      ];
      // What the worker records for one request carrying three rows: one attempt row each, same answer.
      for (const d of carried) {
        await addAttempts(d.uuid, [{ outcome: 'succeeded', status_code: 200, at: new Date(at.getTime() + 500) }]);
      }
      for (const d of carried) {
        const res = await get(`/v1/channels/${chat.id}/deliveries/${d.id}`);
        expect(res.status).toBe(200);
        expect(res.body.payload.id).toBe(d.eventId);
        expect(res.body.attempts).toEqual([
          {
            attempt: 1,
            at: '2026-11-20T11:30:00Z',
            outcome: 'succeeded',
            status_code: 200,
            latency_ms: 10,
            error: null,
          },
        ]);
      }
    });

    it('answers a delivery without attempts with an empty list', async () => {
      const pending = made.find((d) => d.status === 'pending');
      const res = await get(`/v1/channels/${channelId}/deliveries/${pending?.id}`);
      expect(res.status).toBe(200);
      expect(res.body.attempts).toEqual([]);
      expect(Object.keys(res.body)).not.toContain('generation');
    });

    it("is 404 for another channel's delivery, another team's channel or an unknown id, and 400 for a malformed id", async () => {
      const own = made[0]?.id as string;
      const other = await createChannel(api, token, { events: ['*'] });
      const sameTeam = await get(`/v1/channels/${other.id}/deliveries/${own}`);
      expect(sameTeam.status).toBe(404);
      expect(sameTeam.body.error.code).toBe('not_found');
      const stranger = await api.token({ team_id: newId('team').id });
      expect((await get(`/v1/channels/${channelId}/deliveries/${own}`, stranger)).status).toBe(404);
      expect((await get(`/v1/channels/${channelId}/deliveries/${newId('delivery').id}`)).status).toBe(404);
      const bad = await get(`/v1/channels/${channelId}/deliveries/dlv-nope`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_request');
      expect((await get(`/v1/channels/ch-nope/deliveries/${own}`)).status).toBe(400);
      expect((await request(api.app).get(`/v1/channels/${channelId}/deliveries/${own}`)).status).toBe(401);
    });
  });

  describe('log filters', () => {
    const inLog = (d: (typeof made)[number]) => made.includes(d);

    it('filters by status', async () => {
      for (const status of ['pending', 'succeeded', 'failed'] as const) {
        const res = await list(`?status=${status}`);
        expect(res.status).toBe(200);
        expect(ids(res)).toEqual(expected((d) => inLog(d) && d.status === status));
      }
    });

    it('filters by event type and by pattern', async () => {
      expect(ids(await list('?event=host.up'))).toEqual(expected((d) => d.event === 'host.up'));
      expect(ids(await list('?event=host.*'))).toEqual(expected((d) => d.event.startsWith('host.')));
      expect(ids(await list('?event=capsule.*'))).toEqual(expected((d) => d.event === 'capsule.created'));
      expect(ids(await list('?event=*&until=2026-11-21T00:00:00Z'))).toEqual(expected(() => true));
      expect(ids(await list('?event=template.*'))).toEqual([]);
    });

    it('bounds created_at: since inclusive, until exclusive, in any offset', async () => {
      const since = new Date(base + 3 * MINUTE).toISOString();
      const until = new Date(base + 7 * MINUTE).toISOString();
      const between = (d: (typeof made)[number]) => d.at.getTime() >= base + 3 * MINUTE && d.at < new Date(until);
      expect(ids(await list(`?since=${since}&until=${until}`))).toEqual(expected(between));
      // 13:03+01:00 is 12:03Z.
      expect(ids(await list('?since=2026-11-20T13:03:00%2B01:00&until=2026-11-20T12:07:00Z'))).toEqual(
        expected(between),
      );
      expect(ids(await list(`?since=${since}`))).toEqual(expected((d) => d.at.getTime() >= base + 3 * MINUTE));
      expect(ids(await list('?until=2026-11-20T12:02:00Z'))).toEqual(
        expected((d) => d.at.getTime() < base + 2 * MINUTE),
      );
    });

    it('combines filters with each other and with keyset paging', async () => {
      const want = expected((d) => d.status === 'succeeded' && d.event.startsWith('host.') && d.at.getTime() >= base);
      expect(want.length).toBeGreaterThan(1);
      const filters = '&status=succeeded&event=host.*&since=2026-11-20T12:00:00Z';
      const pages: string[] = [];
      let before = '';
      for (let n = 0; n < 10; n += 1) {
        const res = await list(`?limit=1${before}${filters}`);
        expect(res.status).toBe(200);
        pages.push(...ids(res));
        if (res.body.next_before === null) break;
        before = `&before=${res.body.next_before}`;
      }
      expect(pages).toEqual(want);
    });

    it.each([
      ['status=delivered', 'status'],
      ['status=', 'status'],
      ['event=host.exploded', 'event'],
      ['event=nothing.*', 'event'],
      ['event=channel.test', 'event'],
      ['since=yesterday', 'since'],
      ['since=2026-11-20', 'since'],
      ['since=2026-02-30T00:00:00Z', 'since'],
      ['until=2026-11-20T25:00:00Z', 'until'],
      ['until=1700000000', 'until'],
      ['since=2026-11-20T12:05:00Z&until=2026-11-20T12:05:00Z', 'until'],
      ['since=2026-11-20T12:05:00Z&until=2026-11-20T12:00:00Z', 'until'],
    ])('refuses %s with a 400 naming %s', async (query, field) => {
      const res = await list(`?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toContain(field);
    });

    it("filters only the token team's channel", async () => {
      const stranger = await api.token({ team_id: newId('team').id });
      expect((await get(`/v1/channels/${channelId}/deliveries?status=failed`, stranger)).status).toBe(404);
    });
  });
});

describe('delivery log query plans', () => {
  let api: TestApi;
  let channelUuid: string;
  // A busy channel among many: the plans must stay on indexes however the rows are spread.
  const ROWS = 40_000;

  beforeAll(async () => {
    api = await createTestApi();
    const { db } = api.deps;
    const team = newId('team').uuid;
    channelUuid = newId('channel').uuid;
    await sql`
      INSERT INTO channels (id, team_id, name, provider, config, event_types)
      SELECT CASE WHEN i = 0 THEN ${channelUuid}::uuid ELSE gen_random_uuid() END, ${team}, 'ch-' || i, 'webhook', '{}', '{*}'
      FROM generate_series(0, 19) i
    `.execute(db);
    await sql`
      INSERT INTO audit_logs (id, team_id, actor_type, resource_type, action, metadata)
      VALUES (${newId('auditLog').uuid}, ${team}, 'system', 'host', 'marked_down', '{}')
    `.execute(db);
    await sql`
      INSERT INTO events (id, team_id, audit_log_id, event_type, payload, created_at)
      SELECT gen_random_uuid(), ${team}, (SELECT id FROM audit_logs LIMIT 1),
        (ARRAY['host.down', 'host.up', 'capsule.created', 'capsule.paused'])[1 + i % 4], '{}',
        now() - i * interval '60 seconds'
      FROM generate_series(1, ${ROWS}) i
    `.execute(db);
    // Half the rows are the busy channel's, the rest spread over 19 others; 2% failed, 1% pending.
    await sql`
      INSERT INTO deliveries (id, event_id, channel_id, team_id, event_type, status, created_at, updated_at)
      SELECT gen_random_uuid(), e.id,
        CASE WHEN n % 2 = 0 THEN ${channelUuid}::uuid ELSE (SELECT id FROM channels ORDER BY id OFFSET 1 + n % 19 LIMIT 1) END,
        ${team}, e.event_type,
        CASE WHEN n % 100 < 2 THEN 'failed' WHEN n % 100 = 2 THEN 'pending' ELSE 'succeeded' END,
        e.created_at, e.created_at
      FROM (SELECT e.*, row_number() OVER () AS n FROM events e) e
    `.execute(db);
    await sql`ANALYZE`.execute(db);
  });
  afterAll(() => api?.close());

  /** The plan of the log's statement for a query string, as the route would run it. */
  async function plan(query: string): Promise<string> {
    const parsed = DeliveryListQuery.parse(Object.fromEntries(new URLSearchParams(query)));
    const compiled = deliveryLogQuery(api.deps.db, { channelId: channelUuid, ...parsed }).compile();
    const { rows } = await api.deps.db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]),
    );
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  it.each([
    ['no filter', '', 'deliveries_channel_created_idx'],
    ['a rare status', 'status=failed', 'deliveries_channel_status_created_idx'],
    ['pending', 'status=pending', 'deliveries_'],
    ['one event type', 'event=host.up', 'deliveries_channel_event_created_idx'],
    // Half the channel's rows match: walking the plain index and skipping the others is as good.
    ['a pattern', 'event=capsule.*', 'deliveries_channel_'],
    ['a period', 'since=2026-01-01T00:00:00Z&until=2026-01-02T00:00:00Z', 'deliveries_channel_created_idx'],
    ['status, event and period', 'status=failed&event=host.*&since=2025-01-01T00:00:00Z', 'deliveries_channel_'],
    ['a page after a cursor', `status=failed&before=${formatId('delivery', newId('delivery').uuid)}`, 'deliveries_'],
  ])('%s: read through an index, no sequential scan', async (_name, query, index) => {
    const text = await plan(query);
    expect(text).not.toMatch(/Seq Scan/);
    expect(text).toMatch(new RegExp(`(Index Scan|Index Only Scan|Bitmap Index Scan) (Backward )?(using|on) ${index}`));
  });
});

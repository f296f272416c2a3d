import { type ChannelId, formatId, newId, parseId } from '@wrenn/events';
import { QUEUES } from '@wrenn/queues';
import { testRedisUrl, waitFor } from '@wrenn/testing';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

describe('delivery log and redelivery', () => {
  let api: TestApi;
  let token: string;
  let teamId: string;
  let channelId: ChannelId;
  let channelUuid: string;
  const deliveryIds: string[] = [];

  /** An event of the team and a delivery of it to the channel, `at` seconds ago. */
  async function addDelivery(status: 'pending' | 'succeeded' | 'failed', secondsAgo: number): Promise<string> {
    const { eventIds } = await api.deps.audit.record([
      {
        team_id: teamId,
        actor: { type: 'system' },
        resource_type: 'host',
        resource_id: newId('host').id,
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
        channel_id: channelUuid,
        team_id: parseId('team', teamId) as string,
        event_type: 'host.down',
        status,
        attempts: status === 'pending' ? 0 : 3,
        last_status_code: status === 'failed' ? 503 : status === 'succeeded' ? 200 : null,
        last_error: status === 'failed' ? 'HTTP 503' : null,
        delivered_at: status === 'succeeded' ? at : null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    return delivery.id;
  }

  beforeAll(async () => {
    api = await createTestApi();
    teamId = newId('team').id;
    token = await api.token({ team_id: teamId });
    const channel = await createChannel(api, token, { events: ['host.down'] });
    channelId = channel.id;
    channelUuid = parseId('channel', channelId) as string;
    deliveryIds.push(
      await addDelivery('succeeded', 50),
      await addDelivery('failed', 40),
      await addDelivery('pending', 30),
    );
  });
  afterAll(() => api?.close());

  const list = (query = '', id: string = channelId, t = token) =>
    request(api.app).get(`/v1/channels/${id}/deliveries${query}`).set(bearer(t));
  const retry = (dlv: string, id: string = channelId, t = token) =>
    request(api.app).post(`/v1/channels/${id}/deliveries/${dlv}/retry`).set(bearer(t));

  it('lists deliveries newest first, each with exactly the documented fields', async () => {
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.next_before).toBeNull();
    expect(res.body.items.map((d: { id: string }) => d.id)).toEqual([...deliveryIds].reverse());
    const failed = res.body.items[1];
    expect(Object.keys(failed).sort()).toEqual(
      [
        'attempts',
        'created_at',
        'delivered_at',
        'event',
        'event_id',
        'id',
        'last_error',
        'last_status_code',
        'ready_at',
        'status',
        'updated_at',
      ].sort(),
    );
    expect(failed).toMatchObject({
      id: deliveryIds[1],
      event: 'host.down',
      status: 'failed',
      attempts: 3,
      last_status_code: 503,
      last_error: 'HTTP 503',
      delivered_at: null,
    });
    expect(failed.event_id).toMatch(/^evt-[0-9a-z]{25}$/);
    expect(failed.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(res.body.items[2].delivered_at).toMatch(/Z$/);
  });

  it('pages with limit and before', async () => {
    const first = await list('?limit=2');
    expect(first.body.items.map((d: { id: string }) => d.id)).toEqual([deliveryIds[2], deliveryIds[1]]);
    expect(first.body.next_before).toBe(deliveryIds[1]);
    const second = await list(`?limit=2&before=${first.body.next_before}`);
    expect(second.body.items.map((d: { id: string }) => d.id)).toEqual([deliveryIds[0]]);
    expect(second.body.next_before).toBeNull();
    const unknown = await list(`?before=${newId('delivery').id}`);
    expect(unknown.body).toEqual({ items: [], next_before: null });
  });

  it("rejects malformed ids and limits with 400, and hides other teams' channels with 404", async () => {
    expect((await list('', 'ch-nope')).status).toBe(400);
    expect((await list('?limit=0')).status).toBe(400);
    expect((await list('?limit=101')).status).toBe(400);
    expect((await list('?before=dlv-bad')).status).toBe(400);
    expect((await list('', newId('channel').id)).status).toBe(404);
    const stranger = await api.token({ team_id: newId('team').id });
    const res = await list('', channelId, stranger);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect((await request(api.app).get(`/v1/channels/${channelId}/deliveries`)).status).toBe(401);
  });

  it("redelivers: a new generation of the delivery turns pending, ready now, and its channel's drain is queued", async () => {
    const failedId = deliveryIds[1] as string;
    await api.deps.db
      .updateTable('deliveries')
      .set({ failures: 3, ready_at: new Date(Date.now() + 3_600_000), claimed_until: new Date(Date.now() + 60_000) })
      .where('id', '=', parseId('delivery', failedId) as string)
      .execute();
    const res = await retry(failedId);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: failedId, status: 'pending', attempts: 3 });
    expect(res.body).not.toHaveProperty('generation');
    // One drain per channel: its job id is the channel id and it carries nothing else.
    const job = await api.deliveries.getJob(channelId);
    expect(job?.data).toEqual({ channelId });
    expect(job?.opts).toMatchObject({ removeOnComplete: true, removeOnFail: true });
    const row = await api.deps.db
      .selectFrom('deliveries')
      .select(['status', 'generation', 'failures', 'claimed_until', 'relay_requeues'])
      .select(sql<boolean>`ready_at <= now()`.as('ready'))
      .where('id', '=', parseId('delivery', failedId) as string)
      .executeTakeFirstOrThrow();
    // The whole schedule is ahead of it again, and no earlier drain's claim holds it back.
    expect(row).toEqual({
      status: 'pending',
      generation: 2,
      failures: 0,
      claimed_until: null,
      relay_requeues: 0,
      ready: true,
    });
  });

  it('wakes a drain that waits for a later time, so the redelivered row does not wait behind it', async () => {
    const other = await createChannel(api, token, { events: ['host.down'] });
    const otherUuid = parseId('channel', other.id) as string;
    const dlv = newId('delivery');
    const eventUuid = (await api.deps.db.selectFrom('events').select('id').executeTakeFirstOrThrow()).id;
    await api.deps.db
      .insertInto('deliveries')
      .values({
        id: dlv.uuid,
        event_id: eventUuid,
        channel_id: otherUuid,
        team_id: parseId('team', teamId) as string,
        event_type: 'host.down',
        status: 'failed',
      })
      .execute();
    await api.deliveries.add('drain', { channelId: other.id }, { jobId: other.id, delay: 3_600_000 });
    expect(await api.deliveries.getJobState(other.id)).toBe('delayed');
    expect((await retry(dlv.id, other.id)).status).toBe(202);
    expect(await api.deliveries.getJobState(other.id)).toBe('waiting');
  });

  it('refuses redelivery of unknown, foreign and malformed deliveries', async () => {
    expect((await retry(newId('delivery').id)).status).toBe(404);
    expect((await retry('dlv-x')).status).toBe(400);
    expect((await retry(deliveryIds[0] as string, 'ch-bad')).status).toBe(400);
    const stranger = await api.token({ team_id: newId('team').id });
    expect((await retry(deliveryIds[0] as string, channelId, stranger)).status).toBe(404);
    // A delivery of another channel of the same team.
    const other = await createChannel(api, token, { events: ['host.down'] });
    expect((await retry(deliveryIds[0] as string, other.id)).status).toBe(404);
  });

  it('refuses redelivery to a disabled channel with 409', async () => {
    const disabled = await createChannel(api, token, { events: ['host.down'] });
    await request(api.app).patch(`/v1/channels/${disabled.id}`).set(bearer(token)).send({ enabled: false });
    const res = await retry(formatId('delivery', newId('delivery').uuid), disabled.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('conflict');
  });

  it("accepts a redelivery while the channel's drain is running; the running drain picks it up", async () => {
    const dlv = deliveryIds[0] as string;
    await api.deliveries.add('drain', { channelId }, { jobId: channelId });
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const worker = new Worker(QUEUES.deliveries, () => held, { connection, prefix: api.queuePrefix, concurrency: 10 });
    try {
      await waitFor(async () => (await api.deliveries.getJobState(channelId)) === 'active');
      const res = await retry(dlv);
      expect(res.status).toBe(202);
      // Still the one drain of the channel: it loops until its mailbox is empty.
      expect(await api.deliveries.getJobState(channelId)).toBe('active');
      // Asking again starts another generation.
      expect((await retry(dlv)).status).toBe(202);
      const row = await api.deps.db
        .selectFrom('deliveries')
        .select(['status', 'generation'])
        .where('id', '=', parseId('delivery', dlv) as string)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'pending', generation: 3 });
    } finally {
      release();
      await worker.close();
      connection.disconnect();
    }
  });

  it('is documented in /openapi.json', async () => {
    const res = await request(api.app).get('/openapi.json');
    expect(res.body.paths['/v1/channels/{id}/deliveries'].get).toBeDefined();
    const retryDoc = res.body.paths['/v1/channels/{id}/deliveries/{dlv}/retry'].post;
    expect(retryDoc.responses['202']).toBeDefined();
    expect(retryDoc.responses['409'].description).toContain('disabled');
    expect(retryDoc.responses['409'].description).not.toContain('running');
  });
});

import { QuietHoursInput, quietWindowEnd } from '@wrenn/channel-rules';
import { newId, parseId } from '@wrenn/events';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, channelBody, createChannel } from './support/channel-fixtures';
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

const NIGHT = { timezone: 'Europe/Berlin', start: '22:00', end: '07:00' };
const PYTHON = 'event.actor.type != "system" && event.metadata.template.startsWith("python")';

async function channelCount(teamId: string) {
  const { count } = await api.deps.db
    .selectFrom('channels')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('team_id', '=', parseId('team', teamId) as string)
    .executeTakeFirstOrThrow();
  return Number(count);
}

describe('filter and quiet_hours on channels', () => {
  it('default to null, are taken at create and shown with the defaults filled in', async () => {
    const { token } = await teamToken();
    const plain = await createChannel(api, token);
    expect(plain).toMatchObject({ filter: null, quiet_hours: null });

    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send({ ...channelBody(), filter: PYTHON, quiet_hours: { ...NIGHT, days: ['sun', 'fri'] } });
    expect(res.status).toBe(201);
    const expected = {
      filter: PYTHON,
      quiet_hours: { ...NIGHT, days: ['fri', 'sun'], urgent: ['host.down', 'channel.disabled'] },
    };
    expect(res.body).toMatchObject(expected);
    const got = await request(api.app).get(`/v1/channels/${res.body.id}`).set(bearer(token));
    expect(got.body).toMatchObject(expected);
  });

  it('refuses a filter that does not type-check with 400 quoting the problem and its position; stores nothing', async () => {
    const { teamId, token } = await teamToken();
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send({ ...channelBody(), filter: 'event.actor.type == "user" && event.event == 1' });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'invalid_request',
      message: 'body.filter: no such overload: string == int at line 1, column 31 (near "event.event == 1")',
    });
    const syntax = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send({ ...channelBody(), filter: 'event.event == "host.down" &&' });
    expect(syntax.status).toBe(400);
    expect(syntax.body.error.message).toBe('body.filter: Unexpected token: EOF at line 1, column 30 (at the end)');
    const long = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .send({ ...channelBody(), filter: `event.event == "${'x'.repeat(1_000)}"` });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toContain('at most 1000 characters');
    expect(await channelCount(teamId)).toBe(0);
  });

  it('refuses invalid quiet hours with 400 and changes nothing', async () => {
    const { token } = await teamToken();
    const channel = await createChannel(api, token);
    for (const [quiet, message] of [
      [{ ...NIGHT, timezone: 'Europe/Berlinn' }, 'not an IANA timezone'],
      [{ ...NIGHT, start: '10pm' }, 'HH:MM'],
      [{ ...NIGHT, days: ['someday'] }, 'must be one of'],
      [{ ...NIGHT, urgent: ['host.*', 'nothing.*'] }, 'body.quiet_hours.urgent.1'],
      [{ ...NIGHT, end: '22:00' }, 'start and end must differ'],
      ['22:00-07:00', 'must be an object'],
    ] as const) {
      const res = await request(api.app)
        .patch(`/v1/channels/${channel.id}`)
        .set(bearer(token))
        .send({ quiet_hours: quiet });
      expect(res.status, JSON.stringify(quiet)).toBe(400);
      expect(res.body.error.message).toContain(message);
    }
    const after = await request(api.app).get(`/v1/channels/${channel.id}`).set(bearer(token));
    expect(after.body).toMatchObject({ quiet_hours: null, updated_at: channel.updated_at });
  });

  it('changes and removes both with PATCH, writing an audit entry that names them', async () => {
    const { token } = await teamToken();
    const channel = await createChannel(api, token);
    const set = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ filter: PYTHON, quiet_hours: NIGHT });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ filter: PYTHON, quiet_hours: { ...NIGHT } });
    const audit = await api.deps.db
      .selectFrom('audit_logs')
      .select('metadata')
      .where('resource_id', '=', channel.id)
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.metadata)).toContain('quiet_hours');

    // Only the filter goes; quiet hours stay.
    const cleared = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ filter: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ filter: null, quiet_hours: { ...NIGHT } });
    const both = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ quiet_hours: null });
    expect(both.body).toMatchObject({ filter: null, quiet_hours: null });
  });
});

describe('POST /v1/channels/{id}/filter-preview', () => {
  async function ingest(teamId: string, entries: Array<Record<string, unknown>>) {
    const res = await request(api.app)
      .post('/internal/v1/audit')
      .set(bearer(api.deps.internalToken))
      .send(entries.map((e) => ({ team_id: teamId, actor: { type: 'user', name: 'Ada' }, ...e })));
    expect(res.status).toBe(202);
  }

  it("tries a filter on the channel's latest subscribed events, newest first, and stores nothing", async () => {
    const { teamId, token } = await teamToken();
    const channel = await createChannel(api, token, { events: ['capsule.*'] });
    await ingest(teamId, [
      {
        resource_type: 'sandbox',
        resource_id: newId('capsule').id,
        action: 'create',
        metadata: { template: 'python-3.12' },
      },
      {
        resource_type: 'sandbox',
        resource_id: newId('capsule').id,
        action: 'create',
        metadata: { template: 'node-22' },
      },
      { resource_type: 'sandbox', resource_id: newId('capsule').id, action: 'destroy', metadata: {} },
      // Not subscribed: never shown.
      { resource_type: 'host', resource_id: 'host-1', action: 'marked_down' },
    ]);
    const res = await request(api.app)
      .post(`/v1/channels/${channel.id}/filter-preview`)
      .set(bearer(token))
      .send({ filter: 'event.metadata.template.startsWith("python")' });
    expect(res.status).toBe(200);
    expect(
      res.body.items.map((i: { event: string; delivered: boolean; error: string | null }) => [
        i.event,
        i.delivered,
        i.error,
      ]),
    ).toEqual([
      ['capsule.destroyed', false, expect.stringContaining('template')],
      ['capsule.created', false, null],
      ['capsule.created', true, null],
    ]);
    expect(res.body.items[2].payload.metadata).toEqual({ template: 'python-3.12' });
    const after = await request(api.app).get(`/v1/channels/${channel.id}`).set(bearer(token));
    expect(after.body.filter).toBeNull();
  });

  it('answers 400 for a bad filter and 404 for another team’s channel', async () => {
    const { token } = await teamToken();
    const channel = await createChannel(api, token);
    const bad = await request(api.app)
      .post(`/v1/channels/${channel.id}/filter-preview`)
      .set(bearer(token))
      .send({ filter: 'evnt.event == "x"' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^body\.filter: Unknown variable: evnt at line 1, column 1/);
    const none = await request(api.app).post(`/v1/channels/${channel.id}/filter-preview`).set(bearer(token)).send({});
    expect(none.status).toBe(400);
    const other = await teamToken();
    const foreign = await request(api.app)
      .post(`/v1/channels/${channel.id}/filter-preview`)
      .set(bearer(other.token))
      .send({ filter: 'true' });
    expect(foreign.status).toBe(404);
  });
});

describe('ready_at on deliveries', () => {
  it('shows when a pending delivery may go out, and null once it is settled', async () => {
    const { teamId, token } = await teamToken();
    const channel = await createChannel(api, token);
    await ingest(teamId);
    const teamUuid = parseId('team', teamId) as string;
    const events = await api.deps.db.selectFrom('events').select('id').where('team_id', '=', teamUuid).execute();
    const readyAt = new Date('2030-01-02T06:00:00Z');
    for (const [i, status] of (['pending', 'succeeded'] as const).entries()) {
      await api.deps.db
        .insertInto('deliveries')
        .values({
          id: newId('delivery').uuid,
          event_id: events[i]?.id as string,
          channel_id: parseId('channel', channel.id) as string,
          team_id: teamUuid,
          event_type: 'capsule.created',
          status,
          ready_at: readyAt,
        })
        .execute();
    }
    const res = await request(api.app).get(`/v1/channels/${channel.id}/deliveries`).set(bearer(token));
    expect(res.status).toBe(200);
    const byStatus = Object.fromEntries(
      res.body.items.map((d: { status: string; ready_at: string | null }) => [d.status, d.ready_at]),
    );
    expect(byStatus).toEqual({ pending: '2030-01-02T06:00:00Z', succeeded: null });
  });

  it('moves what quiet hours held to the new window’s end, or to now when they are turned off; retry delays stay', async () => {
    const { teamId, token } = await teamToken();
    const channel = await createChannel(api, token);
    await request(api.app).patch(`/v1/channels/${channel.id}`).set(bearer(token)).send({ quiet_hours: NIGHT });
    await ingest(teamId);
    const teamUuid = parseId('team', teamId) as string;
    const events = await api.deps.db.selectFrom('events').select('id').where('team_id', '=', teamUuid).execute();
    const later = new Date(Date.now() + 3_600_000);
    const [held, retrying] = [newId('delivery').uuid, newId('delivery').uuid];
    for (const [i, [id, attempts]] of (
      [
        [held, 0],
        [retrying, 1],
      ] as const
    ).entries()) {
      await api.deps.db
        .insertInto('deliveries')
        .values({
          id,
          event_id: events[i]?.id as string,
          channel_id: parseId('channel', channel.id) as string,
          team_id: teamUuid,
          event_type: 'capsule.created',
          attempts,
          ready_at: later,
        })
        .execute();
    }
    const readyAt = async () => {
      const rows = await api.deps.db
        .selectFrom('deliveries')
        .select(['id', 'ready_at'])
        .where('id', 'in', [held, retrying])
        .execute();
      return Object.fromEntries(rows.map((r) => [r.id, r.ready_at.getTime()]));
    };

    // A window that holds now, ending on the hour two hours on: held rows move to its end.
    const hour = new Date().getUTCHours();
    const hh = (h: number) => `${String((h + 24) % 24).padStart(2, '0')}:00`;
    const around = { timezone: 'UTC', start: hh(hour - 1), end: hh(hour + 2) };
    const moved = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ quiet_hours: around });
    expect(moved.status).toBe(200);
    const newEnd = quietWindowEnd(QuietHoursInput.parse(around), Date.now());
    expect((await readyAt())[held]).toBe(newEnd);
    expect((await readyAt())[retrying]).toBe(later.getTime());

    const off = await request(api.app)
      .patch(`/v1/channels/${channel.id}`)
      .set(bearer(token))
      .send({ quiet_hours: null });
    expect(off.status).toBe(200);
    expect((await readyAt())[held]).toBeLessThanOrEqual(Date.now());
    expect((await readyAt())[retrying]).toBe(later.getTime());
    // The channel's drain is queued to send it.
    expect(await api.deliveries.getJobState(channel.id)).toMatch(/waiting|prioritized|delayed|active/);
  });

  async function ingest(teamId: string) {
    const entries = [0, 1].map(() => ({
      team_id: teamId,
      actor: { type: 'user' },
      resource_type: 'sandbox',
      resource_id: newId('capsule').id,
      action: 'create',
    }));
    const res = await request(api.app).post('/internal/v1/audit').set(bearer(api.deps.internalToken)).send(entries);
    expect(res.status).toBe(202);
  }
});

import { randomBytes } from 'node:crypto';
import { newId, parseId } from '@wrenn/events';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from './support/test-api';

function entry(teamId: string, overrides: Record<string, unknown> = {}) {
  return {
    team_id: teamId,
    actor: { type: 'user', id: newId('user').id, name: 'Ada' },
    resource_type: 'sandbox',
    resource_id: newId('capsule').id,
    action: 'create',
    metadata: { template: 'python-3.12' },
    ...overrides,
  };
}

const newKey = () => `key-${randomBytes(8).toString('hex')}`;

describe('POST /internal/v1/audit with an Idempotency-Key', () => {
  let api: TestApi;

  const post = (body: unknown, key?: string) => {
    const req = request(api.app)
      .post('/internal/v1/audit')
      .set('Authorization', `Bearer ${api.deps.internalToken}`)
      .set('Content-Type', 'application/json');
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(JSON.stringify(body));
  };

  /** Audit rows and events of one team. */
  async function stored(teamId: string) {
    const team = parseId('team', teamId) as string;
    const logs = await api.deps.db
      .selectFrom('audit_logs')
      .select('id')
      .where('team_id', '=', team)
      .orderBy('created_at')
      .execute();
    const events = await api.deps.db.selectFrom('events').select('id').where('team_id', '=', team).execute();
    return { logs: logs.length, events: events.length };
  }

  const countKeys = async () =>
    Number(
      (
        await api.deps.db
          .selectFrom('idempotency_keys')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api?.close());

  it('answers a repeat with the first ids and stores one set of rows', async () => {
    const team = newId('team').id;
    const key = newKey();
    const body = [entry(team), entry(team, { resource_type: 'team', action: 'rename' })];
    const first = await post(body, key);
    expect(first.status).toBe(202);
    expect(first.body.ids).toHaveLength(2);
    const second = await post(body, key);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(await stored(team)).toEqual({ logs: 2, events: 1 });
  });

  it('enqueues the new event of a keyed request', async () => {
    const team = newId('team').id;
    const res = await post(entry(team), newKey());
    expect(res.status).toBe(202);
    const event = await api.deps.db
      .selectFrom('events')
      .select('payload')
      .where('team_id', '=', parseId('team', team) as string)
      .executeTakeFirstOrThrow();
    const eventId = (event.payload as { id: string }).id;
    expect((await api.events.getJob(eventId))?.data).toEqual({ eventId });
  });

  it('answers a repeat with a different body with the first answer and stores nothing of it', async () => {
    const team = newId('team').id;
    const otherTeam = newId('team').id;
    const key = newKey();
    const first = await post(entry(team), key);
    expect(first.status).toBe(202);
    const second = await post([entry(otherTeam), entry(otherTeam)], key);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    for (const invalid of [{}, [], 'hello', [entry(otherTeam, { actor: { type: 'robot' } })]]) {
      const replay = await post(invalid, key);
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual(first.body);
    }
    expect(await stored(team)).toEqual({ logs: 1, events: 1 });
    expect(await stored(otherTeam)).toEqual({ logs: 0, events: 0 });
  });

  it('stores one set of rows for ten concurrent requests with the same key', async () => {
    const team = newId('team').id;
    const key = newKey();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => post([entry(team), entry(team, { action: 'pause' })], key)),
    );
    for (const res of answers) expect(res.status).toBe(202);
    const ids = answers.map((res) => JSON.stringify(res.body.ids));
    expect(new Set(ids).size).toBe(1);
    expect(answers[0]?.body.ids).toHaveLength(2);
    expect(await stored(team)).toEqual({ logs: 2, events: 2 });
  });

  it('keeps different keys apart, and requests without a key are never deduplicated', async () => {
    const team = newId('team').id;
    const body = entry(team);
    const a = await post(body, newKey());
    const b = await post(body, newKey());
    const c = await post(body);
    const d = await post(body);
    const all = [a, b, c, d].map((res) => res.body.ids[0]);
    expect(new Set(all).size).toBe(4);
    expect(await stored(team)).toEqual({ logs: 4, events: 4 });
  });

  it.each([
    ['an empty key', ''],
    ['a key with a space', 'retry 1'],
    ['a key of 256 characters', 'k'.repeat(256)],
    ['a non-ASCII key', 'caf\u00e9'],
    ['a key with a tab', 'a\tb'],
  ])('refuses %s with 400 and stores nothing', async (_name, key) => {
    const team = newId('team').id;
    const keysBefore = await countKeys();
    const res = await post(entry(team), key);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(/Idempotency-Key: must be 1 to 255 visible ASCII characters/);
    expect(await stored(team)).toEqual({ logs: 0, events: 0 });
    expect(await countKeys()).toBe(keysBefore);
  });

  it('accepts a key of 255 visible characters', async () => {
    const key = `${'!~'.repeat(127)}z`;
    expect(key).toHaveLength(255);
    const team = newId('team').id;
    const first = await post(entry(team), key);
    expect(first.status).toBe(202);
    expect((await post(entry(team), key)).body).toEqual(first.body);
    expect(await stored(team)).toEqual({ logs: 1, events: 1 });
  });

  it('does not keep the key of an invalid body', async () => {
    const team = newId('team').id;
    const key = newKey();
    const bad = await post(entry(team, { actor: { type: 'robot' } }), key);
    expect(bad.status).toBe(400);
    const good = await post(entry(team), key);
    expect(good.status).toBe(202);
    expect(await stored(team)).toEqual({ logs: 1, events: 1 });
  });

  it('treats a key older than 24 hours as new', async () => {
    const team = newId('team').id;
    const key = newKey();
    const first = await post(entry(team), key);
    expect(first.status).toBe(202);
    await api.deps.db
      .updateTable('idempotency_keys')
      .set({ created_at: sql<Date>`now() - interval '24 hours 1 second'` })
      .where('key', '=', key)
      .execute();
    const second = await post(entry(team), key);
    expect(second.status).toBe(202);
    expect(second.body.ids[0]).not.toBe(first.body.ids[0]);
    expect(await stored(team)).toEqual({ logs: 2, events: 2 });
    // The key now answers with the second request's ids, for another 24 hours.
    expect((await post(entry(team), key)).body).toEqual(second.body);
    expect(await stored(team)).toEqual({ logs: 2, events: 2 });
  });

  it('still replays a key 23 hours old', async () => {
    const team = newId('team').id;
    const key = newKey();
    const first = await post(entry(team), key);
    await api.deps.db
      .updateTable('idempotency_keys')
      .set({ created_at: sql<Date>`now() - interval '23 hours'` })
      .where('key', '=', key)
      .execute();
    expect((await post(entry(team), key)).body).toEqual(first.body);
    expect(await stored(team)).toEqual({ logs: 1, events: 1 });
  });

  it('stores neither the key nor the rows when the audit write fails', async () => {
    const team = newId('team').id;
    const key = newKey();
    await sql`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit write refused'; END $$`.execute(api.deps.db);
    await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION refuse_audit()`.execute(
      api.deps.db,
    );
    try {
      const res = await post(entry(team), key);
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('internal');
      expect(JSON.stringify(res.body)).not.toContain('refused');
    } finally {
      await sql`DROP TRIGGER refuse_audit ON audit_logs`.execute(api.deps.db);
      await sql`DROP FUNCTION refuse_audit()`.execute(api.deps.db);
    }
    expect(await stored(team)).toEqual({ logs: 0, events: 0 });
    const keys = await api.deps.db.selectFrom('idempotency_keys').select('key').where('key', '=', key).execute();
    expect(keys).toEqual([]);
    const retry = await post(entry(team), key);
    expect(retry.status).toBe(202);
    expect(await stored(team)).toEqual({ logs: 1, events: 1 });
  });

  it('documents the header in /openapi.json', async () => {
    const res = await request(api.app).get('/openapi.json');
    const op = res.body.paths['/internal/v1/audit'].post;
    const header = op.parameters.find((p: { in: string; name: string }) => p.in === 'header');
    expect(header).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false });
    expect(header.description).toMatch(/24 hours/);
    expect(header.schema).toMatchObject({ type: 'string' });
  });
});

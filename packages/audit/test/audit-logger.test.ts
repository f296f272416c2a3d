import { type AuditActor, createAuditLogger } from '@wrenn/audit';
import { eventCatalog, formatId, newId, parseId } from '@wrenn/events';
import { createLogger } from '@wrenn/runtime';
import { createTestDatabase, type TestDatabase } from '@wrenn/testing';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const logger = createLogger({ name: 'audit-test', level: 'silent' });
const user: AuditActor = { type: 'user', id: newId('user').id, name: 'Ada' };
const team = newId('team').id;
const sandbox = newId('capsule').id;
const host = newId('host').id;
const channel = { id: newId('channel').id, name: 'ops-alerts', provider: 'discord' };

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());
beforeEach(async () => {
  await sql`TRUNCATE audit_logs, events CASCADE`.execute(database.db);
});

type Logger = ReturnType<typeof createAuditLogger>;
type Expected = {
  actor_type: string;
  resource_type: string;
  resource_id: string | null;
  action: string;
  scope: string;
  status: string;
  metadata: Record<string, unknown>;
  event: string | null;
};

// What the platform's Go logger writes for each method (its internal/audit/logger.go).
const CASES: Array<[string, (a: Logger) => Promise<unknown>, Expected]> = [
  [
    'sandboxCreate',
    (a) => a.sandboxCreate(user, team, sandbox, 'python-3.12'),
    {
      actor_type: 'user',
      resource_type: 'sandbox',
      resource_id: sandbox,
      action: 'create',
      scope: 'team',
      status: 'success',
      metadata: { template: 'python-3.12' },
      event: 'capsule.created',
    },
  ],
  [
    'channelCreate',
    (a) => a.channelCreate(user, team, channel),
    {
      actor_type: 'user',
      resource_type: 'channel',
      resource_id: channel.id,
      action: 'create',
      scope: 'team',
      status: 'success',
      metadata: { name: 'ops-alerts', provider: 'discord' },
      event: null,
    },
  ],
  [
    'channelAutoDisable',
    (a) => a.channelAutoDisable(team, channel, '410 Gone'),
    {
      actor_type: 'system',
      resource_type: 'channel',
      resource_id: channel.id,
      action: 'auto_disable',
      scope: 'team',
      status: 'error',
      metadata: { name: 'ops-alerts', provider: 'discord', reason: '410 Gone' },
      event: 'channel.disabled',
    },
  ],
  [
    'channelRotateSecret',
    (a) => a.channelRotateSecret(user, team, channel, 3600, '2026-11-30T12:00:00Z'),
    {
      actor_type: 'user',
      resource_type: 'channel',
      resource_id: channel.id,
      action: 'rotate_secret',
      scope: 'team',
      status: 'info',
      metadata: {
        name: 'ops-alerts',
        provider: 'discord',
        grace_period_s: 3600,
        previous_secret_expires_at: '2026-11-30T12:00:00Z',
      },
      event: null,
    },
  ],
];

// The published catalog: every payload the logger builds must validate against it.
const ajv = new Ajv2020({ strict: true, validateFormats: false });
const catalog = new Map(eventCatalog().map((entry) => [entry.name as string, ajv.compile(entry.schema)]));

describe('typed audit methods', () => {
  it.each(CASES)(
    "%s writes the platform's audit row and raises only lifecycle events",
    async (_name, call, expected) => {
      const published: string[][] = [];
      const audit = createAuditLogger({ db: database.db, logger, publish: async (ids) => void published.push(ids) });
      await call(audit);

      const rows = await database.db.selectFrom('audit_logs').selectAll().execute();
      expect(rows).toHaveLength(1);
      const { event, ...row } = expected;
      expect(rows[0]).toMatchObject({ ...row, team_id: parseId('team', team) });
      const system = expected.actor_type === 'system';
      expect(rows[0]).toMatchObject({ actor_id: system ? null : user.id, actor_name: system ? '' : 'Ada' });

      const events = await database.db.selectFrom('events').selectAll().execute();
      if (event === null) {
        expect(events).toEqual([]);
        expect(published).toEqual([]);
        return;
      }
      expect(events).toHaveLength(1);
      const stored = events[0];
      expect(stored).toMatchObject({ event_type: event, audit_log_id: rows[0]?.id });
      const outbox = await database.db.selectFrom('outbox').select('event_id').execute();
      expect(outbox).toEqual([{ event_id: stored?.id }]);
      const eventId = formatId('event', stored?.id as string);
      expect(stored?.payload).toEqual({
        id: eventId,
        event,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        team_id: team,
        actor: system ? { type: 'system' } : { type: 'user', id: user.id, name: 'Ada' },
        resource: { id: expected.resource_id, type: expected.resource_type },
        metadata: expected.metadata,
      });
      expect(published).toEqual([[eventId]]);
      const validate = catalog.get(event);
      expect(validate?.(stored?.payload), JSON.stringify(validate?.errors)).toBe(true);
      // The channel an event is about is kept, so fan-out never sends the event there.
      expect(stored?.channel_id).toBe(expected.resource_type === 'channel' ? parseId('channel', channel.id) : null);
    },
  );

  it('the published schemas refuse payloads that break them', () => {
    const validate = catalog.get('channel.disabled');
    const payload = {
      id: newId('event').id,
      event: 'channel.disabled',
      timestamp: '2026-04-09T11:06:06Z',
      team_id: team,
      actor: { type: 'system' },
      resource: { id: channel.id, type: 'channel' },
      metadata: { name: 'ops', provider: 'slack', reason: 'gone' },
    };
    expect(validate?.(payload)).toBe(true);
    expect(validate?.({ ...payload, metadata: { name: 'ops', provider: 'slack' } })).toBe(false);
    expect(validate?.({ ...payload, event: 'host.down' })).toBe(false);
    expect(validate?.({ ...payload, actor: { type: 'user', id: user.id } })).toBe(false);
    expect(
      catalog.get('host.down')?.({ ...payload, event: 'host.down', resource: { id: host, type: 'sandbox' } }),
    ).toBe(false);
  });
});

describe('record', () => {
  it('writes rows and events in one transaction: a failing event insert stores nothing', async () => {
    const audit = createAuditLogger({ db: database.db, logger });
    await sql`ALTER TABLE events ADD CONSTRAINT refuse_host_down CHECK (event_type <> 'host.down')`.execute(
      database.db,
    );
    try {
      await expect(
        audit.record([
          { team_id: team, actor: user, resource_type: 'sandbox', resource_id: sandbox, action: 'create' },
          { team_id: team, actor: { type: 'system' }, resource_type: 'host', resource_id: host, action: 'marked_down' },
        ]),
      ).rejects.toThrow();
    } finally {
      await sql`ALTER TABLE events DROP CONSTRAINT refuse_host_down`.execute(database.db);
    }
    expect(await database.db.selectFrom('audit_logs').selectAll().execute()).toEqual([]);
    expect(await database.db.selectFrom('events').selectAll().execute()).toEqual([]);
    expect(await database.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('returns log ids in input order and event ids of lifecycle entries only', async () => {
    const audit = createAuditLogger({ db: database.db, logger });
    const result = await audit.record([
      { team_id: team, actor: user, resource_type: 'team', action: 'rename' },
      { team_id: team, actor: user, resource_type: 'sandbox', resource_id: sandbox, action: 'destroy' },
    ]);
    expect(result.logIds).toHaveLength(2);
    expect(result.eventIds).toHaveLength(1);
    const rows = await database.db.selectFrom('audit_logs').select(['id', 'action']).execute();
    const actionById = new Map<string, string>(rows.map((r) => [formatId('auditLog', r.id), r.action]));
    expect(result.logIds.map((id) => actionById.get(id))).toEqual(['rename', 'destroy']);
  });

  it('keeps what it committed when publishing fails; the outbox relay takes over', async () => {
    const audit = createAuditLogger({
      db: database.db,
      logger,
      publish: async () => {
        throw new Error('redis is down');
      },
    });
    const result = await audit.record([
      { team_id: team, actor: { type: 'system' }, resource_type: 'host', resource_id: host, action: 'marked_up' },
    ]);
    expect(result.eventIds).toHaveLength(1);
    const pending = await database.db.selectFrom('outbox').select('event_id').execute();
    expect(pending).toHaveLength(1);
  });

  it('log() never throws, even for an entry that cannot be stored', async () => {
    const audit = createAuditLogger({ db: database.db, logger });
    await expect(
      audit.log({ team_id: 'not-a-team', actor: user, resource_type: 'sandbox', action: 'create' }),
    ).resolves.toBeUndefined();
    expect(await database.db.selectFrom('audit_logs').selectAll().execute()).toEqual([]);
  });
});

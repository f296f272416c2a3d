import { randomBytes, randomUUID } from 'node:crypto';
import { type Kysely, Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrations } from '../src';

// An empty database of its own: the shared template is already at the latest migration.
const admin = new URL(process.env.DATABASE_URL ?? 'postgres://invalid');
admin.pathname = '/postgres';
const name = `t_${randomBytes(6).toString('hex')}`;
let db: Kysely<any>;

async function adminQuery(text: string) {
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  db = createDb({ connectionString: url.toString(), max: 2 });
});
afterAll(async () => {
  await db?.destroy();
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('the outbox migration', () => {
  it('moves pending events to the outbox and frees payloads and deliveries from the audit log', async () => {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
    expect((await migrator.migrateTo('2026-11-27_002_pending_deliveries')).error).toBeUndefined();

    const team = randomUUID();
    const log = randomUUID();
    const [pending, done] = [randomUUID(), randomUUID()];
    const channel = randomUUID();
    const delivery = randomUUID();
    await sql`
      INSERT INTO audit_logs (id, team_id, actor_type, resource_type, action)
      VALUES (${log}, ${team}, 'system', 'host', 'marked_down')
    `.execute(db);
    await sql`
      INSERT INTO events (id, team_id, audit_log_id, event_type, payload, created_at, fanned_out_at)
      VALUES (${pending}, ${team}, ${log}, 'host.down', '{}', now() - interval '1 minute', NULL),
             (${done}, ${team}, ${log}, 'host.down', '{}', now() - interval '2 minutes', now())
    `.execute(db);
    await sql`
      INSERT INTO channels (id, team_id, name, provider, event_types) VALUES (${channel}, ${team}, 'ops', 'webhook', '{host.down}')
    `.execute(db);
    await sql`
      INSERT INTO deliveries (id, event_id, channel_id, team_id, event_type, status)
      VALUES (${delivery}, ${done}, ${channel}, ${team}, 'host.down', 'succeeded')
    `.execute(db);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();

    const outbox = await sql<{ event_id: string; created_at: Date }>`SELECT event_id, created_at FROM outbox`.execute(
      db,
    );
    expect(outbox.rows.map((r) => r.event_id)).toEqual([pending]);
    // Deleting the audit entry no longer takes the payloads or the delivery history with it.
    await sql`DELETE FROM audit_logs WHERE id = ${log}`.execute(db);
    const events = await sql<{ id: string }>`SELECT id FROM events ORDER BY created_at`.execute(db);
    expect(events.rows.map((r) => r.id)).toEqual([done, pending]);
    const deliveries = await sql<{ id: string }>`SELECT id FROM deliveries`.execute(db);
    expect(deliveries.rows).toEqual([{ id: delivery }]);
    // A payload a delivery uses cannot be deleted.
    await expect(sql`DELETE FROM events WHERE id = ${done}`.execute(db)).rejects.toThrow(/foreign key/);
  });
});

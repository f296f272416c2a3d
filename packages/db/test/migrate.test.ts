// Relative import: @wrenn/testing depends on @wrenn/db, so db cannot depend on it back.

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/src/test-database';
import { migrateToLatest, migrations } from '../src';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('migrations', () => {
  it('are applied to the template and re-running them changes nothing', async () => {
    const { error, results } = await migrateToLatest(database.db);
    expect(error).toBeUndefined();
    expect(results).toEqual([]);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
  });

  it("keep the platform's channels and audit_logs columns", async () => {
    const columns = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns
      where table_name in ('channels', 'audit_logs') order by table_name, ordinal_position`.execute(database.db);
    const byTable = (t: string) =>
      Object.fromEntries(columns.rows.filter((r) => r.table_name === t).map((r) => [r.column_name, r.data_type]));
    expect(byTable('channels')).toMatchObject({
      id: 'uuid',
      team_id: 'uuid',
      name: 'text',
      provider: 'text',
      config: 'jsonb',
      event_types: 'ARRAY',
      created_at: 'timestamp with time zone',
      updated_at: 'timestamp with time zone',
    });
    expect(Object.keys(byTable('audit_logs'))).toEqual(
      expect.arrayContaining([
        'id',
        'team_id',
        'actor_type',
        'actor_id',
        'actor_name',
        'resource_type',
        'resource_id',
        'action',
        'scope',
        'status',
        'metadata',
        'created_at',
      ]),
    );
  });

  it('enforce unique channel names per team', async () => {
    const team = '11111111-1111-1111-1111-111111111111';
    const row = (id: string, teamId: string) => ({
      id,
      team_id: teamId,
      name: 'ops',
      provider: 'webhook',
      config: '{}',
      event_types: ['host.down'],
    });
    await database.db.insertInto('channels').values(row('00000000-0000-0000-0000-000000000001', team)).execute();
    await expect(
      database.db.insertInto('channels').values(row('00000000-0000-0000-0000-000000000002', team)).execute(),
    ).rejects.toThrow(/unique/i);
    await database.db
      .insertInto('channels')
      .values(row('00000000-0000-0000-0000-000000000003', '22222222-2222-2222-2222-222222222222'))
      .execute();
  });
});

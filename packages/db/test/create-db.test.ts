// Relative import: @wrenn/testing depends on @wrenn/db, so db cannot depend on it back.

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/src/test-database';
import { createDb } from '../src';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('createDb', () => {
  it('sets the statement and idle-in-transaction timeouts on every connection', async () => {
    const db = createDb({ connectionString: database.url, max: 1 });
    try {
      const { rows } = await sql<{ statement: string; idle: string }>`
        SELECT current_setting('statement_timeout') AS statement,
               current_setting('idle_in_transaction_session_timeout') AS idle
      `.execute(db);
      expect(rows).toEqual([{ statement: '15s', idle: '30s' }]);
      const short = createDb({ connectionString: database.url, max: 1, statementTimeoutMs: 200 });
      await expect(sql`SELECT pg_sleep(1)`.execute(short)).rejects.toThrow(/statement timeout/);
      await short.destroy();
    } finally {
      await db.destroy();
    }
  });

  it('survives the connection of a checked-out client dying, and the next query reconnects', async () => {
    const errors: Error[] = [];
    const db = createDb({ connectionString: database.url, max: 1, onConnectionError: (err) => errors.push(err) });
    try {
      await db.connection().execute(async (conn) => {
        const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn);
        // Killed from elsewhere while checked out and idle: the client emits `error` with
        // no query to reject; without a listener that would end the process.
        await sql`SELECT pg_terminate_backend(${rows[0]?.pid})`.execute(database.db);
        await new Promise((r) => setTimeout(r, 300));
      });
      expect(errors.length).toBeGreaterThan(0);
      const { rows } = await sql<{ one: number }>`SELECT 1 AS one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { createDb, type Database } from '@wrenn/db';
import type { Kysely } from 'kysely';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  db: Kysely<Database>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database per test file: `CREATE DATABASE … TEMPLATE` of
 * the database in `DATABASE_URL`, which `npm test` migrated once.
 */
export async function createTestDatabase(templateUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  if (!templateUrl) throw new Error('DATABASE_URL must point at the migrated template database (run through npm test)');
  const template = new URL(templateUrl);
  const templateName = template.pathname.slice(1);
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new URL(templateUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${templateName}`);
  } finally {
    await client.end();
  }
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const db = createDb({ connectionString: url.toString(), max: 10 });
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.destroy();
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

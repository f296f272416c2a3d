import { createDb } from './create-db';
import { migrateToLatest } from './migrate';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must be set to a PostgreSQL connection string');
  process.exit(1);
}
// Index builds on large tables may outlast the pools' statement timeout.
const db = createDb({ connectionString: url, max: 1, applicationName: 'wrenn-migrate', statementTimeoutMs: 0 });
const { error, results } = await migrateToLatest(db);
for (const r of results ?? []) {
  console.log(`${r.status === 'Success' ? 'applied' : r.status.toLowerCase()}: ${r.migrationName}`);
}
await db.destroy();
if (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
if (!results?.length) console.log('database is up to date');

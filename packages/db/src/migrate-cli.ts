import { envVars, parseEnv } from '@wrenn/runtime';
import { createDb } from './create-db';
import { migrateToLatest } from './migrate';

const env = parseEnv(envVars.pick({ DATABASE_URL: true }));
// Index builds on large tables may outlast the pools' statement timeout.
const db = createDb({
  connectionString: env.DATABASE_URL,
  max: 1,
  applicationName: 'wrenn-migrate',
  statementTimeoutMs: 0,
});
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

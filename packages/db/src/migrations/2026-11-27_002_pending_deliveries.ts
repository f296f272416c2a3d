import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// The worker's relay looks for pending deliveries whose job went missing; only
// those rows are indexed, so the index stays small however long the history grows.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX deliveries_pending_idx ON deliveries (updated_at) WHERE status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS deliveries_pending_idx`.execute(db);
}

import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// The W3C `traceparent` of the ingest request an event came from (null when
// none was given), stored with the event so the worker's spans and the
// webhook requests join the platform's trace.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE events ADD COLUMN traceparent text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE events DROP COLUMN IF EXISTS traceparent`.execute(db);
}

import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// A channel's filter (a CEL expression over the event, checked by the API) and
// quiet hours (`{timezone, start, end, days, urgent}` with the defaults filled
// in). Fan-out reads both; a delivery held by quiet hours is a pending row whose
// `ready_at` is the window's end.
//
// The filter's "Try it" reads a team's latest events: an index on
// (team_id, created_at) serves it without scanning other teams' events.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE channels ADD COLUMN filter text`.execute(db);
  await sql`ALTER TABLE channels ADD COLUMN quiet_hours jsonb`.execute(db);
  await sql`CREATE INDEX events_team_created_idx ON events (team_id, created_at DESC, id DESC)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS events_team_created_idx`.execute(db);
  await sql`ALTER TABLE channels DROP COLUMN IF EXISTS quiet_hours`.execute(db);
  await sql`ALTER TABLE channels DROP COLUMN IF EXISTS filter`.execute(db);
}

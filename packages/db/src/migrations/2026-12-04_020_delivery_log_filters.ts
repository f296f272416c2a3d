import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// The delivery log filters by status and by event type within one channel,
// newest first. `deliveries_channel_created_idx` already serves the plain
// list and the `since`/`until` bounds; without these two, a filter on a rare
// status or event would walk the channel's whole history in that index.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE INDEX deliveries_channel_status_created_idx
    ON deliveries (channel_id, status, created_at DESC, id DESC)
  `.execute(db);
  await sql`
    CREATE INDEX deliveries_channel_event_created_idx
    ON deliveries (channel_id, event_type, created_at DESC, id DESC)
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS deliveries_channel_event_created_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS deliveries_channel_status_created_idx`.execute(db);
}

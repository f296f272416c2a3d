import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// Deliveries become a mailbox per channel that one drain at a time empties in
// ingest order, under the destination's rate. Retries are row state:
// `ready_at` is when a row may be sent (now, or after its retry delay),
// `failures` counts the attempts of the retry schedule used in this generation
// (answers other than 429; `attempts` still counts every request), and
// `claimed_until` marks rows a drain has taken, so a stalled duplicate drain
// leaves them alone until the claim lapses.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE deliveries ADD COLUMN ready_at timestamptz NOT NULL DEFAULT now()`.execute(db);
  await sql`ALTER TABLE deliveries ADD COLUMN failures integer NOT NULL DEFAULT 0`.execute(db);
  await sql`ALTER TABLE deliveries ADD COLUMN claimed_until timestamptz`.execute(db);
  // Rows pending before this release already used `attempts` of the schedule.
  await sql`UPDATE deliveries SET failures = attempts WHERE status = 'pending'`.execute(db);
  // A drain reads its channel's pending rows in ingest order (event ids are time-ordered).
  await sql`
    CREATE INDEX deliveries_mailbox_idx ON deliveries (channel_id, event_id, id) WHERE status = 'pending'
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS deliveries_mailbox_idx`.execute(db);
  await sql`ALTER TABLE deliveries DROP COLUMN IF EXISTS claimed_until`.execute(db);
  await sql`ALTER TABLE deliveries DROP COLUMN IF EXISTS failures`.execute(db);
  await sql`ALTER TABLE deliveries DROP COLUMN IF EXISTS ready_at`.execute(db);
}

import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
// Each redelivery starts a new generation of a delivery; a job carries the
// generation it was queued for, and an attempt only changes the delivery while
// the row is still in that generation, so a stalled or late job of an earlier
// one can never overwrite what a newer one did.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE deliveries ADD COLUMN generation integer NOT NULL DEFAULT 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE deliveries DROP COLUMN IF EXISTS generation`.execute(db);
}

import { type Kysely, sql } from 'kysely';

/**
 * The audit writer puts every event in the outbox in its own statement; the
 * trigger that did it for writers that did not is no longer needed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS events_into_outbox ON events`.execute(db);
  await sql`DROP FUNCTION IF EXISTS events_into_outbox()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION events_into_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO outbox (event_id, created_at)
      SELECT id, created_at FROM inserted_events
      ON CONFLICT (event_id) DO NOTHING;
      RETURN NULL;
    END
    $$
  `.execute(db);
  await sql`
    CREATE TRIGGER events_into_outbox AFTER INSERT ON events
    REFERENCING NEW TABLE AS inserted_events
    FOR EACH STATEMENT EXECUTE FUNCTION events_into_outbox()
  `.execute(db);
}

import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// `events` becomes the payload store only: it no longer belongs to its audit row,
// so pruning audit entries cannot take payloads (and their delivery history) with
// it, and deleting an event that a delivery still uses is refused. What is still
// to be fanned out moves to a small `outbox` table that empties as events are
// enqueued. The indexes let every retention query walk an index, oldest first.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('event_id', 'uuid', (c) => c.primaryKey().references('events.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // The relay pages through the outbox oldest first with a (created_at, event_id) cursor.
  await sql`CREATE INDEX outbox_created_idx ON outbox (created_at, event_id)`.execute(db);
  await sql`
    INSERT INTO outbox (event_id, created_at)
    SELECT id, created_at FROM events WHERE fanned_out_at IS NULL
  `.execute(db);

  // During a rolling upgrade the previous release's API still writes events without
  // outbox rows; this puts them in the outbox so none is left behind. The audit
  // logger writes the outbox row itself, so a later release drops this trigger.
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

  await sql`ALTER TABLE events DROP CONSTRAINT IF EXISTS events_audit_log_id_fkey`.execute(db);
  await sql`DROP INDEX IF EXISTS events_pending_idx`.execute(db);
  await sql`ALTER TABLE events DROP COLUMN fanned_out_at`.execute(db);
  // Retention walks old payloads with a (created_at, id) cursor.
  await sql`CREATE INDEX events_created_idx ON events (created_at, id)`.execute(db);

  // Deleting an event must never delete the deliveries that used it. NOT VALID skips
  // re-checking rows the previous constraint already guaranteed; it is enforced from now on.
  await sql`ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_event_id_fkey`.execute(db);
  await sql`
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_id_fkey
    FOREIGN KEY (event_id) REFERENCES events (id) NOT VALID
  `.execute(db);

  // How often the relay has had to give a pending delivery a new job; past a limit it fails.
  await db.schema
    .alterTable('deliveries')
    .addColumn('relay_requeues', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The relay pages through pending deliveries with an (updated_at, id) cursor.
  await sql`DROP INDEX IF EXISTS deliveries_pending_idx`.execute(db);
  await sql`CREATE INDEX deliveries_pending_idx ON deliveries (updated_at, id) WHERE status = 'pending'`.execute(db);
  // Retention deletes settled deliveries by age; pending ones are not in this index.
  await sql`
    CREATE INDEX deliveries_settled_idx ON deliveries (updated_at)
    WHERE status IN ('succeeded', 'failed')
  `.execute(db);

  await sql`CREATE INDEX audit_logs_created_idx ON audit_logs (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS events_into_outbox ON events`.execute(db);
  await sql`DROP FUNCTION IF EXISTS events_into_outbox()`.execute(db);
  await sql`DROP INDEX IF EXISTS audit_logs_created_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS deliveries_settled_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS deliveries_pending_idx`.execute(db);
  await sql`CREATE INDEX deliveries_pending_idx ON deliveries (updated_at) WHERE status = 'pending'`.execute(db);
  await sql`ALTER TABLE deliveries DROP COLUMN relay_requeues`.execute(db);
  await sql`ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_event_id_fkey`.execute(db);
  await sql`
    ALTER TABLE deliveries ADD CONSTRAINT deliveries_event_id_fkey
    FOREIGN KEY (event_id) REFERENCES events (id) ON DELETE CASCADE
  `.execute(db);
  await sql`DROP INDEX IF EXISTS events_created_idx`.execute(db);
  await sql`ALTER TABLE events ADD COLUMN fanned_out_at timestamptz`.execute(db);
  await sql`
    UPDATE events SET fanned_out_at = now()
    WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = events.id)
  `.execute(db);
  await sql`CREATE INDEX events_pending_idx ON events (created_at) WHERE fanned_out_at IS NULL`.execute(db);
  // Audit entries pruned meanwhile leave events without their row: the old foreign key
  // comes back unchecked for those.
  await sql`
    ALTER TABLE events ADD CONSTRAINT events_audit_log_id_fkey
    FOREIGN KEY (audit_log_id) REFERENCES audit_logs (id) ON DELETE CASCADE NOT VALID
  `.execute(db);
  await db.schema.dropTable('outbox').execute();
}

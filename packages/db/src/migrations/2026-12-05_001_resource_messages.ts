import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// A channel's message style: `each` (a message per event or burst) or
// `resource` (one message per resource, brought up to date by edits).
//
// `resource_messages` keeps, per channel and resource, the provider's
// reference to the message that shows it (message ids, never a credential)
// and the events that message shows, oldest first. Several resources that went
// out together share one message: `message_key` (the reference as canonical
// JSON) finds them all, and `position` is a resource's place on that message;
// the channel's newest message (`message_posted_at`) is the one a burst joins.
// Rows not updated within the delivery retention are pruned (`updated_at`).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE channels ADD COLUMN message_style text NOT NULL DEFAULT 'each'
    CONSTRAINT channels_message_style_check CHECK (message_style IN ('each', 'resource'))`.execute(db);
  await sql`
    CREATE TABLE resource_messages (
      channel_id uuid NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
      resource_type text NOT NULL,
      resource_id text NOT NULL,
      message_ref jsonb NOT NULL,
      message_key text NOT NULL,
      message_posted_at timestamptz NOT NULL,
      events jsonb NOT NULL,
      earlier int NOT NULL DEFAULT 0,
      position int NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel_id, resource_type, resource_id)
    )`.execute(db);
  await sql`CREATE INDEX resource_messages_message_idx ON resource_messages (channel_id, message_key)`.execute(db);
  await sql`CREATE INDEX resource_messages_posted_idx ON resource_messages (channel_id, message_posted_at)`.execute(db);
  await sql`CREATE INDEX resource_messages_updated_idx ON resource_messages (updated_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE IF EXISTS resource_messages`.execute(db);
  await sql`ALTER TABLE channels DROP COLUMN IF EXISTS message_style`.execute(db);
}

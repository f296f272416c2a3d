import { type Kysely, sql } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
//
// Secret rotation with a grace period: the replaced webhook secret stays in the
// channel's sealed `config` (key `previous_secret`) until this moment, then is
// dropped; the partial index lets the worker find the lapsed ones cheaply.
//
// Event patterns: a channel's `event_types` may hold `*` or `prefix.*`. Fan-out
// matches an event against `event_subscription_keys(type)` (the type, each dotted
// prefix + `.*`, and `*`) with `&&`, which the GIN index on `event_types` serves.
//
// `events.channel_id`: the channel an event is about (`channel.disabled`), which
// fan-out never sends it to.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE channels ADD COLUMN previous_secret_expires_at timestamptz`.execute(db);
  await sql`
    CREATE INDEX channels_previous_secret_expiry_idx ON channels (previous_secret_expires_at)
    WHERE previous_secret_expires_at IS NOT NULL
  `.execute(db);
  await sql`ALTER TABLE events ADD COLUMN channel_id uuid`.execute(db);
  await sql`
    CREATE FUNCTION event_subscription_keys(event_type text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
      SELECT ARRAY[event_type]
        || ARRAY(
          SELECT array_to_string(parts[1:n], '.') || '.*'
          FROM (SELECT string_to_array(event_type, '.') AS parts) p,
               generate_series(array_length(parts, 1) - 1, 1, -1) AS n
        )
        || ARRAY['*']
    $$
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS event_subscription_keys(text)`.execute(db);
  await sql`ALTER TABLE events DROP COLUMN IF EXISTS channel_id`.execute(db);
  await sql`DROP INDEX IF EXISTS channels_previous_secret_expiry_idx`.execute(db);
  await sql`ALTER TABLE channels DROP COLUMN IF EXISTS previous_secret_expires_at`.execute(db);
}

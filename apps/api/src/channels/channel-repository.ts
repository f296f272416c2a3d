import type { QuietHours } from '@wrenn/channel-rules';
import { PREVIOUS_SECRET_KEY } from '@wrenn/crypto';
import type { Channel as ChannelRow, Database } from '@wrenn/db';
import type { MessageStyle } from '@wrenn/providers';
import { type Kysely, sql, type Transaction } from 'kysely';

type Db = Kysely<Database>;
/** Writes take the transaction their audit entry commits in. */
type Trx = Transaction<Database>;

/** Outcomes of writes that the caller turns into 409s. */
export type CreateChannelResult =
  | { kind: 'created'; row: ChannelRow }
  | { kind: 'name_taken' }
  | { kind: 'limit_reached'; limit: number };

export type UpdateChannelResult = { kind: 'updated'; row: ChannelRow } | { kind: 'not_found' } | { kind: 'name_taken' };

export interface NewChannelInput {
  id: string;
  teamId: string;
  name: string;
  provider: string;
  sealedConfig: Record<string, string>;
  events: readonly string[];
  /** A checked CEL filter and quiet hours with their defaults, when given. */
  rules?: ChannelRules;
}

/** `filter`, `quiet_hours` and `message_style`: undefined leaves a stored value alone, null removes it. */
export interface ChannelRules {
  messageStyle?: MessageStyle | undefined;
  filter?: string | null | undefined;
  quietHours?: QuietHours | null | undefined;
}

/** The columns a change of rules sets. */
function rulesColumns(rules: ChannelRules | undefined) {
  return {
    ...(rules?.messageStyle === undefined ? {} : { message_style: rules.messageStyle }),
    ...(rules?.filter === undefined ? {} : { filter: rules.filter }),
    ...(rules?.quietHours === undefined
      ? {}
      : { quiet_hours: rules.quietHours === null ? null : JSON.stringify(rules.quietHours) }),
  };
}

const UNIQUE_VIOLATION = '23505';

function isNameConflict(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === UNIQUE_VIOLATION && e.constraint === 'channels_team_id_name_key';
}

/** The team's channels, newest first. */
export function listChannels(db: Db, teamId: string): Promise<ChannelRow[]> {
  return db
    .selectFrom('channels')
    .selectAll()
    .where('team_id', '=', teamId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** One channel of the team; another team's channel is as absent as an unknown one. */
export async function findChannel(db: Db, teamId: string, id: string): Promise<ChannelRow | null> {
  const row = await db
    .selectFrom('channels')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Inserts a channel unless the team is at its channel limit or already has
 * the name. A per-team advisory lock, held until `trx` ends, makes the count
 * and the insert atomic.
 */
export async function insertChannel(
  trx: Trx,
  input: NewChannelInput,
  maxPerTeam: number,
): Promise<CreateChannelResult> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`channels:${input.teamId}`}, 0))`.execute(trx);
  const { count } = await trx
    .selectFrom('channels')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('team_id', '=', input.teamId)
    .executeTakeFirstOrThrow();
  if (Number(count) >= maxPerTeam) return { kind: 'limit_reached', limit: maxPerTeam };
  const row = await trx
    .insertInto('channels')
    .values({
      id: input.id,
      team_id: input.teamId,
      name: input.name,
      provider: input.provider,
      config: JSON.stringify(input.sealedConfig),
      event_types: [...input.events],
      ...rulesColumns(input.rules),
      created_at: new Date(),
      updated_at: new Date(),
    })
    .onConflict((oc) => oc.columns(['team_id', 'name']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? { kind: 'created', row } : { kind: 'name_taken' };
}

export interface ChannelChanges {
  name?: string | undefined;
  events?: readonly string[] | undefined;
  enabled?: boolean | undefined;
  rules?: ChannelRules;
}

/**
 * Applies a PATCH. Enabling clears the auto-disable state. After `name_taken`
 * the transaction is aborted: the caller must roll it back.
 */
export async function updateChannel(
  db: Trx,
  teamId: string,
  id: string,
  changes: ChannelChanges,
): Promise<UpdateChannelResult> {
  try {
    const row = await db
      .updateTable('channels')
      .set({
        updated_at: new Date(),
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.events === undefined ? {} : { event_types: [...changes.events] }),
        ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
        ...(changes.enabled === true ? { disabled_reason: null, consecutive_failures: 0 } : {}),
        ...rulesColumns(changes.rules),
      })
      .where('team_id', '=', teamId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return row ? { kind: 'updated', row } : { kind: 'not_found' };
  } catch (err) {
    if (isNameConflict(err)) return { kind: 'name_taken' };
    throw err;
  }
}

/**
 * Gives the deliveries quiet hours hold their new time: the end of the new
 * window around now, or now when there is none (quiet hours off, or now falls
 * outside them). Held rows are the pending ones never attempted whose time has
 * not come (a retry delay follows an attempt); all of them share one window.
 */
export async function reholdQuietHeld(
  db: Trx,
  channelId: string,
  until: Date | null,
): Promise<Array<{ id: string; channel_id: string }>> {
  return db
    .updateTable('deliveries')
    .set({ ready_at: until ?? sql<Date>`now()` })
    .where('channel_id', '=', channelId)
    .where('status', '=', 'pending')
    .where('attempts', '=', 0)
    .where('ready_at', '>', sql<Date>`now()`)
    .returning(['id', 'channel_id'])
    .execute();
}

/** Replaces the whole sealed config and re-enables the channel (a new credential deserves a new chance). */
export async function replaceChannelConfig(
  db: Trx,
  teamId: string,
  id: string,
  sealedConfig: Record<string, string>,
): Promise<ChannelRow | null> {
  const row = await db
    .updateTable('channels')
    .set({
      config: JSON.stringify(sealedConfig),
      // An immediate replacement: a rotated-out secret still in its grace period goes too.
      previous_secret_expires_at: null,
      enabled: true,
      disabled_reason: null,
      consecutive_failures: 0,
      updated_at: new Date(),
    })
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export interface SecretRotation {
  /** The new secret, sealed. */
  sealedSecret: string;
  /** Seconds the current secret keeps signing; 0 drops it at once. */
  gracePeriodS: number;
  now: Date;
}

export type RotateSecretResult =
  | { kind: 'rotated'; row: ChannelRow; previousSecretExpiresAt: Date | null }
  | { kind: 'not_found' }
  | { kind: 'not_webhook'; row: ChannelRow };

/**
 * Replaces a webhook channel's secret under its row lock. The current secret,
 * still sealed, moves to `previous_secret` until the grace period ends (it is
 * never decrypted here); an older previous secret is dropped. Without a grace
 * period, or without a current secret, nothing is kept.
 */
export async function rotateChannelSecret(
  db: Trx,
  teamId: string,
  id: string,
  rotation: SecretRotation,
): Promise<RotateSecretResult> {
  const existing = await db
    .selectFrom('channels')
    .selectAll()
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!existing) return { kind: 'not_found' };
  if (existing.provider !== 'webhook') return { kind: 'not_webhook', row: existing };
  const { [PREVIOUS_SECRET_KEY]: _older, ...config } = existing.config;
  const current = config.secret;
  const keep = rotation.gracePeriodS > 0 && current !== undefined;
  // Whole seconds, so the moment shown (RFC 3339, second precision) is the moment it ends.
  const expiresAt = keep ? new Date(Math.floor(rotation.now.getTime() / 1000 + rotation.gracePeriodS) * 1000) : null;
  const next: Record<string, string> = { ...config, secret: rotation.sealedSecret };
  if (keep) next[PREVIOUS_SECRET_KEY] = current;
  const row = await db
    .updateTable('channels')
    .set({ config: JSON.stringify(next), previous_secret_expires_at: expiresAt, updated_at: rotation.now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { kind: 'rotated', row, previousSecretExpiresAt: expiresAt };
}

/** Deletes a channel (its deliveries go with it); `null` when the team has no such channel. */
export async function deleteChannel(db: Trx, teamId: string, id: string): Promise<ChannelRow | null> {
  const row = await db
    .deleteFrom('channels')
    .where('team_id', '=', teamId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

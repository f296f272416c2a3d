import { PREVIOUS_SECRET_KEY } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import type { Uuid } from '@wrenn/events';
import { type Kysely, sql } from 'kysely';

/** What a drain needs of its channel. */
export interface DrainChannel {
  id: Uuid;
  provider: string;
  /** Sealed values, without a rotated-out webhook secret whose grace period has ended. */
  config: Record<string, string>;
  enabled: boolean;
  /** `each` (a message per event or burst) or `resource` (a board per resource, kept up to date). */
  message_style: string;
  /**
   * When the config last changed (the row's `updated_at`, or a rotated-out secret's
   * expiry once passed): it changes whenever the values above do.
   */
  config_version: Date;
}

/** Several channels in one statement, in the order asked (`undefined`: deleted). */
export async function loadDrainChannels(
  db: Kysely<Database>,
  channelUuids: readonly Uuid[],
): Promise<Array<DrainChannel | undefined>> {
  const rows = await db
    .selectFrom('channels')
    .select([
      'id',
      'provider',
      'enabled',
      'message_style',
      // A rotated-out webhook secret signs only until its grace period ends; the
      // version changes at that moment, so a config decrypted before is not reused.
      sql<Record<string, string>>`CASE WHEN previous_secret_expires_at > now() THEN config
        ELSE config - ${PREVIOUS_SECRET_KEY}::text END`.as('config'),
      sql<Date>`CASE WHEN previous_secret_expires_at <= now()
        THEN greatest(updated_at, previous_secret_expires_at) ELSE updated_at END`.as('config_version'),
    ])
    .where(sql<boolean>`id = any(${[...new Set(channelUuids)]}::uuid[])`)
    .$narrowType<{ id: Uuid }>()
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return channelUuids.map((id) => byId.get(id));
}

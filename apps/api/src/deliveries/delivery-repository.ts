import type { Database, Delivery as DeliveryRow } from '@wrenn/db';
import { type Kysely, sql } from 'kysely';
import { newestFirst } from '../http/page';

type Db = Kysely<Database>;

/** A team's channel, or `null` (absent or another team's: both are 404). */
export async function findTeamChannel(db: Db, teamId: string, channelId: string) {
  const row = await db
    .selectFrom('channels')
    .select(['id', 'enabled'])
    .where('id', '=', channelId)
    .where('team_id', '=', teamId)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * One page of a channel's deliveries, newest first by (created_at, id).
 * Returns up to `limit + 1` rows: the extra one says there is more.
 */
export function listDeliveries(
  db: Db,
  page: { channelId: string; before?: string | undefined; limit: number },
): Promise<DeliveryRow[]> {
  const query = db.selectFrom('deliveries').selectAll().where('channel_id', '=', page.channelId);
  return newestFirst(query, {
    table: 'deliveries',
    owner: { column: 'channel_id', id: page.channelId },
    before: page.before,
    limit: page.limit,
  }).execute();
}

/**
 * What a redelivery sets: `pending` in a new generation (only attempts of the
 * new generation may record anything), ready now with the whole retry schedule
 * ahead, and free for any drain to take. Bulk redelivery sets the same.
 */
const REDELIVERY_CHANGES = {
  status: 'pending',
  generation: sql<number>`generation + 1`,
  // A new run: the relay's count of lost drains starts again.
  relay_requeues: 0,
  failures: 0,
  ready_at: sql<Date>`now()`,
  claimed_until: null,
  updated_at: sql<Date>`now()`,
} as const;

/**
 * Starts a new generation of a delivery of the channel (see
 * `REDELIVERY_CHANGES`); the caller then hands it to `queueRedeliveries`.
 * `null` when it is not the channel's.
 */
export async function markForRedelivery(db: Db, channelId: string, deliveryId: string): Promise<DeliveryRow | null> {
  const row = await db
    .updateTable('deliveries')
    .set(REDELIVERY_CHANGES)
    .where('id', '=', deliveryId)
    .where('channel_id', '=', channelId)
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Starts a new generation of every `failed` delivery of the channel created at
 * or after `since` (see {@link markForRedelivery}); returns what was changed.
 */
export function markFailedSinceForRedelivery(
  db: Db,
  channelId: string,
  since: Date,
): Promise<Array<Pick<DeliveryRow, 'id' | 'channel_id'>>> {
  return db
    .updateTable('deliveries')
    .set(REDELIVERY_CHANGES)
    .where('channel_id', '=', channelId)
    .where('status', '=', 'failed')
    .where('created_at', '>=', since)
    .returning(['id', 'channel_id'])
    .execute();
}

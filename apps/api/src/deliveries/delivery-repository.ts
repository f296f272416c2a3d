import type { DeliveryAttempt as AttemptRow, Database, Delivery as DeliveryRow, DeliveryStatus } from '@wrenn/db';
import { eventTypesMatching } from '@wrenn/events';
import { type Kysely, sql } from 'kysely';
import { newestFirst } from '../http/page';

type Db = Kysely<Database>;

/** What the delivery log may be narrowed to; every filter is optional. */
export interface DeliveryFilters {
  status?: DeliveryStatus | undefined;
  /** An event type or a pattern (`host.*`, `*`). */
  event?: string | undefined;
  /** Created at or after. */
  since?: Date | undefined;
  /** Created before. */
  until?: Date | undefined;
}

/**
 * One page of a channel's deliveries, newest first by (created_at, id),
 * narrowed by `filters`. Each filter keeps an index on (channel_id, …,
 * created_at, id) usable (see the `2026-12-04_020` migration), so a page
 * reads about `limit` rows however long the history. Returns up to
 * `limit + 1` rows: the extra one says there is more.
 */
export function listDeliveries(db: Db, page: DeliveryLogPage): Promise<DeliveryRow[]> {
  return deliveryLogQuery(db, page).execute();
}

export type DeliveryLogPage = { channelId: string; before?: string | undefined; limit: number } & DeliveryFilters;

/** The statement of {@link listDeliveries}, unexecuted (its plan is checked in a test). */
export function deliveryLogQuery(db: Db, page: DeliveryLogPage) {
  let query = db.selectFrom('deliveries').selectAll().where('channel_id', '=', page.channelId);
  if (page.status) query = query.where('status', '=', page.status);
  // `*` covers every type: no condition at all rather than a list of all of them.
  if (page.event && page.event !== '*') {
    const types: string[] = page.event.endsWith('.*') ? eventTypesMatching(page.event) : [page.event];
    query = query.where('event_type', 'in', types);
  }
  if (page.since) query = query.where('created_at', '>=', page.since);
  if (page.until) query = query.where('created_at', '<', page.until);
  return newestFirst(query, {
    table: 'deliveries',
    owner: { column: 'channel_id', id: page.channelId },
    before: page.before,
    limit: page.limit,
  });
}

export interface DeliveryWithAttempts {
  row: DeliveryRow;
  payload: Record<string, unknown>;
  attempts: AttemptRow[];
}

/**
 * A delivery of the channel with its event's payload and every attempt,
 * oldest first; `null` when it is not the channel's. Each delivery a combined
 * chat message carried has its own attempt row, so it shows here too.
 */
export async function findDelivery(
  db: Db,
  channelId: string,
  deliveryId: string,
): Promise<DeliveryWithAttempts | null> {
  const found = await db
    .selectFrom('deliveries as d')
    .leftJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.payload')
    .where('d.id', '=', deliveryId)
    .where('d.channel_id', '=', channelId)
    .executeTakeFirst();
  if (!found) return null;
  const { payload, ...row } = found;
  const attempts = await db
    .selectFrom('delivery_attempts')
    .selectAll()
    .where('delivery_id', '=', deliveryId)
    .orderBy('attempt')
    .orderBy('id')
    .execute();
  // The foreign key keeps a delivery's event; `{}` only guards a row restored without it.
  return { row, payload: payload ?? {}, attempts };
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

import type { Database } from '@wrenn/db';
import type { EventPayload, Uuid } from '@wrenn/events';
import type { MessageRef } from '@wrenn/providers';
import { type Kysely, sql } from 'kysely';
import { type BoardPlan, messageKey, type StoredResource } from './resource-board';

/** What a board request is planned from: the channel's stored messages that matter to it. */
export interface StoredBoards {
  /** The resources asked for and every resource sharing a message with them or with `newest`. */
  stored: StoredResource[];
  /** The channel's most recently posted message (a burst may join it). */
  newest: { key: string; postedAt: Date } | undefined;
}

/**
 * The stored messages of these resources in a channel, of every other
 * resource that shares one of those messages (an edit redraws them all), and
 * of the channel's newest message.
 */
export async function loadResourceMessages(
  db: Kysely<Database>,
  channelUuid: Uuid,
  resources: ReadonlyArray<{ type: string; id: string }>,
): Promise<StoredBoards> {
  const ofChannel = () =>
    db.selectFrom('resource_messages').select('message_key').where('channel_id', '=', channelUuid);
  const rows = await db
    .selectFrom('resource_messages')
    .selectAll()
    .where('channel_id', '=', channelUuid)
    .where((eb) =>
      eb.or([
        eb(
          'message_key',
          'in',
          ofChannel().where(
            sql<boolean>`(resource_type, resource_id) IN (SELECT * FROM unnest(${resources.map((r) => r.type)}::text[], ${resources.map((r) => r.id)}::text[]))`,
          ),
        ),
        eb('message_key', '=', ofChannel().orderBy('message_posted_at', 'desc').limit(1)),
      ]),
    )
    .execute();
  const stored = rows.map(
    (row): StoredResource => ({
      type: row.resource_type,
      id: row.resource_id,
      ref: row.message_ref,
      key: row.message_key,
      postedAt: row.message_posted_at,
      events: row.events as unknown as EventPayload[],
      earlier: row.earlier,
      position: row.position,
    }),
  );
  // The newest message's resources are all there, so its post is the latest of them.
  const newest = stored.reduce<StoredResource | undefined>(
    (latest, s) => (latest && latest.postedAt >= s.postedAt ? latest : s),
    undefined,
  );
  return { stored, newest: newest && { key: newest.key, postedAt: newest.postedAt } };
}

/**
 * Records that `message` now shows the plan's resources, in their order. A
 * message that was edited keeps the time it was first posted (the edit window
 * counts from there); a new one, or a refused edit posted anew, starts now, by
 * the database's clock as events' ingest times are.
 */
export async function saveResourceMessages(
  db: Kysely<Database>,
  channelUuid: Uuid,
  plan: BoardPlan,
  stored: readonly StoredResource[],
  message: MessageRef,
): Promise<void> {
  const key = messageKey(message);
  const edited = plan.previous !== undefined && messageKey(plan.previous) === key;
  const postedAt = (edited && stored.find((s) => s.key === key)?.postedAt) || sql<Date>`now()`;
  const values = plan.resources.map((resource, position) => ({
    channel_id: channelUuid,
    resource_type: resource.type,
    resource_id: resource.id,
    message_ref: JSON.stringify(message),
    message_key: key,
    message_posted_at: postedAt,
    events: JSON.stringify(resource.events),
    earlier: resource.earlier,
    position,
    updated_at: new Date(),
  }));
  await db
    .insertInto('resource_messages')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['channel_id', 'resource_type', 'resource_id']).doUpdateSet((eb) => ({
        message_ref: eb.ref('excluded.message_ref'),
        message_key: eb.ref('excluded.message_key'),
        message_posted_at: eb.ref('excluded.message_posted_at'),
        events: eb.ref('excluded.events'),
        earlier: eb.ref('excluded.earlier'),
        position: eb.ref('excluded.position'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

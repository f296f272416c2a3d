import type { Database } from '@wrenn/db';
import { type DeliveryJob, deliveryJobOptions, type EventJob, formatId, parseId } from '@wrenn/events';
import { type Job, type Queue, UnrecoverableError } from 'bullmq';
import { type Kysely, sql } from 'kysely';
import type { WorkerMetrics } from '../worker-metrics';

export interface FanOutDeps {
  db: Kysely<Database>;
  deliveriesQueue: Queue<DeliveryJob>;
  /** Attempts per delivery job (`WRENN_RETRY_DELAYS` length + 1). */
  deliveryAttempts: number;
  metrics: WorkerMetrics;
}

export type FanOutResult =
  | { kind: 'fanned-out'; deliveries: number }
  | { kind: 'already-done' }
  | { kind: 'event-gone' };

/**
 * Event job → one delivery row and one delivery job per enabled channel of the
 * event's team subscribed to its type. Safe to run twice: rows are unique per
 * (event, channel) and job ids are delivery ids, so a rerun after a crash adds
 * only what is missing. The event leaves the outbox only once every job is queued.
 */
export function createFanOutProcessor(deps: FanOutDeps) {
  return async function fanOut(job: Job<EventJob>): Promise<FanOutResult> {
    const eventUuid = parseId('event', job.data.eventId);
    if (!eventUuid) throw new UnrecoverableError(`malformed event id ${job.data.eventId}`);

    const event = await deps.db
      .selectFrom('events')
      .select(['id', 'fanned_out_at'])
      .where('id', '=', eventUuid)
      .executeTakeFirst();
    if (!event) return { kind: 'event-gone' };
    if (event.fanned_out_at) return { kind: 'already-done' };

    await sql`
      INSERT INTO deliveries (id, event_id, channel_id, team_id, event_type)
      SELECT gen_random_uuid(), e.id, c.id, c.team_id, e.event_type
      FROM events e
      JOIN channels c ON c.team_id = e.team_id AND c.enabled AND c.event_types @> ARRAY[e.event_type]
      WHERE e.id = ${eventUuid}
      ON CONFLICT (event_id, channel_id) DO NOTHING
    `.execute(deps.db);

    const pending = await deps.db
      .selectFrom('deliveries')
      .select('id')
      .where('event_id', '=', eventUuid)
      .where('status', '=', 'pending')
      .execute();
    if (pending.length > 0) {
      await deps.deliveriesQueue.addBulk(
        pending.map(({ id }) => {
          const deliveryId = formatId('delivery', id);
          return {
            name: 'delivery',
            data: { deliveryId },
            opts: deliveryJobOptions(deliveryId, deps.deliveryAttempts),
          };
        }),
      );
    }

    await deps.db
      .updateTable('events')
      .set({ fanned_out_at: new Date() })
      .where('id', '=', eventUuid)
      .where('fanned_out_at', 'is', null)
      .execute();
    deps.metrics.eventsFannedOut.inc();
    return { kind: 'fanned-out', deliveries: pending.length };
  };
}

import { PREVIOUS_SECRET_KEY } from '@wrenn/crypto';
import type { Database } from '@wrenn/db';
import { type Kysely, sql } from 'kysely';
import { createMicroBatcher } from '../batch/micro-batcher';

/** What a delivery job needs to send: its status, its channel and its event's payload. */
export interface DeliveryTarget {
  status: string;
  /** The delivery's current generation (see `DeliveryJob.generation`). */
  generation: number;
  channelUuid: string;
  provider: string;
  config: Record<string, string>;
  enabled: boolean;
  channelUpdatedAt: Date;
  payload: Record<string, unknown>;
}

export interface TargetLoader {
  /** `undefined` when the delivery is gone (deleted with its channel). */
  load(deliveryUuid: string): Promise<DeliveryTarget | undefined>;
}

/**
 * Loads delivery targets for concurrent jobs in one query: a busy worker
 * starts dozens of deliveries per turn of the event loop, and one round trip
 * for all of them is what keeps PostgreSQL (and the socket writes) off the critical path.
 */
export function createTargetLoader(db: Kysely<Database>, options: { maxBatch?: number } = {}): TargetLoader {
  const batcher = createMicroBatcher<string, DeliveryTarget | undefined>({
    maxBatch: options.maxBatch ?? 256,
    maxInFlight: 2,
    async run(ids) {
      const rows = await db
        .selectFrom('deliveries as d')
        .innerJoin('channels as c', 'c.id', 'd.channel_id')
        .innerJoin('events as e', 'e.id', 'd.event_id')
        .select([
          'd.id',
          'd.status',
          'd.generation',
          'c.id as channelUuid',
          'c.provider',
          // A rotated-out webhook secret signs only until its grace period ends; the
          // version changes at that moment, so a decrypted config cached before is not reused.
          sql<Record<string, string>>`CASE WHEN c.previous_secret_expires_at > now() THEN c.config
            ELSE c.config - ${PREVIOUS_SECRET_KEY}::text END`.as('config'),
          'c.enabled',
          sql<Date>`CASE WHEN c.previous_secret_expires_at <= now()
            THEN greatest(c.updated_at, c.previous_secret_expires_at) ELSE c.updated_at END`.as('channelUpdatedAt'),
          'e.payload',
        ])
        .where(sql<boolean>`d.id = any(${[...new Set(ids)]}::uuid[])`)
        .execute();
      const byId = new Map(rows.map(({ id, ...target }) => [id, target]));
      return ids.map((id) => byId.get(id));
    },
  });
  return { load: (deliveryUuid) => batcher.add(deliveryUuid) };
}

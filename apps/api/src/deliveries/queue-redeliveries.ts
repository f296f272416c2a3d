import type { Delivery as DeliveryRow } from '@wrenn/db';
import { type DeliveryJob, formatId, requeueDelivery } from '@wrenn/events';
import type { Logger } from '@wrenn/runtime';
import type { Queue } from 'bullmq';

export interface RedeliveryDeps {
  deliveriesQueue: Queue<DeliveryJob>;
  logger: Logger;
}

/** Jobs queued at once: a bulk recovery must not open thousands of Redis commands together. */
const CONCURRENCY = 32;

/**
 * Queues the job of each delivery's new generation, for the single and the
 * bulk redelivery routes alike: the rows must already be `pending` in that
 * generation (committed), so a job that cannot be queued now (Redis away) is
 * not lost: the delivery stays pending and the worker's relay queues it later.
 * Resolves with the number of jobs queued now.
 */
export async function queueRedeliveries(
  deps: RedeliveryDeps,
  rows: ReadonlyArray<Pick<DeliveryRow, 'id' | 'generation'>>,
): Promise<number> {
  let queued = 0;
  let failed = 0;
  let next = 0;
  async function lane(): Promise<void> {
    while (next < rows.length) {
      const row = rows[next++] as Pick<DeliveryRow, 'id' | 'generation'>;
      try {
        await requeueDelivery(deps.deliveriesQueue, formatId('delivery', row.id), row.generation);
        queued += 1;
      } catch (err) {
        failed += 1;
        if (failed === 1) deps.logger.warn({ err }, 'redelivery not queued; the relay will queue it');
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, lane));
  if (failed > 1) deps.logger.warn({ failed }, 'redeliveries not queued; the relay will queue them');
  return queued;
}

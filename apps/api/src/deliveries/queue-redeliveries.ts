import type { Delivery as DeliveryRow } from '@wrenn/db';
import { formatId } from '@wrenn/events';
import { ensureDrains } from '@wrenn/queues';
import type { ApiDeps } from '../deps';

/**
 * Queues deliveries that `markForRedelivery` (or a bulk variant) has just
 * made pending in a new generation: their channels' drains are added, or woken
 * when they wait for a later time (a drain waiting on its destination's rate
 * waits again). The one place that queues a redelivery. Should Redis be away,
 * the rows stay pending and the worker's relay gives their channels a drain.
 */
export async function queueRedeliveries(
  deps: Pick<ApiDeps, 'deliveryQueues' | 'logger'>,
  rows: ReadonlyArray<Pick<DeliveryRow, 'id' | 'channel_id'>>,
): Promise<void> {
  if (rows.length === 0) return;
  const channels = [...new Set(rows.map((r) => formatId('channel', r.channel_id)))];
  try {
    await ensureDrains(deps.deliveryQueues, channels, { wake: true });
  } catch (err) {
    deps.logger.warn({ err, channels: channels.length }, 'redelivery not queued; the relay will queue it');
  }
}

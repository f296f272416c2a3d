import type { Queue } from 'bullmq';
import { type DeliveryJob, deliveryJobOptions } from './jobs';

export type RequeueResult = 'queued' | 'already-queued';

const IN_QUEUE = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Puts a delivery's job back on the queue under the delivery id, unless one is
 * already waiting, delayed or running. A finished job kept for retention would
 * make the add a silent no-op, so it is removed first: the delivery keeps one
 * job id for life and duplicates keep collapsing.
 */
export async function requeueDelivery(
  queue: Queue<DeliveryJob>,
  deliveryId: string,
  attempts?: number,
): Promise<RequeueResult> {
  const state = await queue.getJobState(deliveryId);
  if (IN_QUEUE.has(state)) return 'already-queued';
  if (state === 'completed' || state === 'failed') await queue.remove(deliveryId);
  await queue.add('delivery', { deliveryId }, deliveryJobOptions(deliveryId, attempts));
  return 'queued';
}

import type { Queue } from 'bullmq';
import { type DeliveryJob, deliveryJob, deliveryJobId } from './jobs';

export type RequeueResult = 'queued' | 'already-queued';

const IN_QUEUE = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Puts the job of a delivery's generation back on the queue, unless it is
 * already waiting, delayed or running. A finished job kept for retention would
 * make the add a silent no-op, so it is removed first. Jobs of other
 * generations are left alone: the worker skips them once they run.
 */
export async function requeueDelivery(
  queue: Queue<DeliveryJob>,
  deliveryId: string,
  generation: number,
  attempts?: number,
): Promise<RequeueResult> {
  const jobId = deliveryJobId(deliveryId, generation);
  const state = await queue.getJobState(jobId);
  if (IN_QUEUE.has(state)) return 'already-queued';
  if (state === 'completed' || state === 'failed') await queue.remove(jobId);
  const job = deliveryJob(deliveryId, generation, attempts);
  await queue.add(job.name, job.data, job.opts);
  return 'queued';
}

import type { Queue } from 'bullmq';
import { isInQueue } from './job-state';
import { type DeliveryJob, drainJob, drainJobId } from './jobs';

export type DrainQueueResult = 'queued' | 'already-queued' | 'woken';

/**
 * Makes sure each channel has a drain job. A channel whose drain is waiting,
 * running or delayed keeps it (the running drain loops until its mailbox is
 * empty); with `wake`, a delayed drain is promoted so it looks at its mailbox
 * now (a redelivered row; a drain delayed by a rate limit delays itself again).
 */
export async function queueDrains(
  queue: Queue<DeliveryJob>,
  channelIds: readonly string[],
  options: { wake?: boolean } = {},
): Promise<DrainQueueResult[]> {
  const ids = [...new Set(channelIds)];
  const states = await Promise.all(ids.map((id) => queue.getJobState(drainJobId(id))));
  const results = new Map<string, DrainQueueResult>();
  const missing: string[] = [];
  await Promise.all(
    ids.map(async (id, i) => {
      const state = states[i] ?? 'unknown';
      if (!isInQueue(state)) {
        // A finished job still stored (kept by an earlier release's settings) blocks the add.
        if (state !== 'unknown') await queue.remove(drainJobId(id));
        missing.push(id);
        results.set(id, 'queued');
        return;
      }
      if (state === 'delayed' && options.wake) {
        const job = await queue.getJob(drainJobId(id));
        // It may have started meanwhile: then it sees the row anyway.
        await job?.promote().catch(() => {});
        results.set(id, 'woken');
        return;
      }
      results.set(id, 'already-queued');
    }),
  );
  if (missing.length > 0) await queue.addBulk(missing.map((id) => drainJob(id)));
  return channelIds.map((id) => results.get(id) ?? 'already-queued');
}

import type { Queue } from 'bullmq';
import { type EventJob, eventJob } from './jobs';

/** Adds the fan-out job of each event; an event already queued stays as it is. */
export async function queueEvents(queue: Queue<EventJob>, eventIds: readonly string[]): Promise<void> {
  const [only] = eventIds;
  // One job: a plain add is one script call, where addBulk wraps it in MULTI/EXEC.
  if (eventIds.length === 1 && only) {
    const job = eventJob(only);
    await queue.add(job.name, job.data, job.opts);
    return;
  }
  if (eventIds.length > 0) await queue.addBulk(eventIds.map(eventJob));
}

import type { ChannelId } from '@wrenn/events';
import type { Queue } from 'bullmq';
import { type DrainJob, drainJob, drainJobId } from './jobs';
import type { Queues } from './queues';

/** Drain jobs per `addBulk`: one MULTI each, so the first drains of a large fan-out start while the rest are added. */
const ADD_CHUNK = 100;

export interface EnsureDrainOptions {
  /** The drain may start no sooner than this (its first row is not ready yet); default now. */
  delayMs?: number;
  /**
   * A drain delayed to a later time is promoted so it looks at its mailbox
   * now (a redelivered row; a drain delayed by its destination's rate delays
   * itself again).
   */
  wake?: boolean;
}

/**
 * The one way drain jobs are added: makes sure each channel has a
 * drain. The job id is the channel id, so a channel whose drain is waiting,
 * running or delayed keeps it, and adding it again changes nothing. Each
 * channel's job goes to its own shard's queue.
 */
export async function ensureDrains(
  queues: Pick<Queues, 'deliveriesFor'>,
  channelIds: readonly ChannelId[],
  options: EnsureDrainOptions = {},
): Promise<void> {
  const byQueue = new Map<Queue<DrainJob>, ChannelId[]>();
  for (const id of new Set(channelIds)) {
    const queue = queues.deliveriesFor(id);
    byQueue.set(queue, [...(byQueue.get(queue) ?? []), id]);
  }
  const adds: Array<Promise<unknown>> = [];
  for (const [queue, ids] of byQueue) {
    for (let i = 0; i < ids.length; i += ADD_CHUNK) {
      const chunk = ids.slice(i, i + ADD_CHUNK);
      adds.push(queue.addBulk(chunk.map((id) => drainJob(id, options.delayMs))));
      if (options.wake) adds.push(...chunk.map((id) => promoteIfDelayed(queue, id)));
    }
  }
  await Promise.all(adds);
}

async function promoteIfDelayed(queue: Queue<DrainJob>, channelId: ChannelId): Promise<void> {
  if ((await queue.getJobState(drainJobId(channelId))) !== 'delayed') return;
  const job = await queue.getJob(drainJobId(channelId));
  // It may have started meanwhile: then it sees the row anyway.
  await job?.promote().catch(() => {});
}

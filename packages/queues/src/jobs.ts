import type { ChannelId } from '@wrenn/events';

/**
 * The job catalog. Jobs carry ids only: Redis keeps job data in clear text,
 * so configs, secrets and rendered payloads never go there.
 */
export const QUEUES = {
  /** One job per event (job id = event id): fan out to subscribed channels. */
  events: 'wrenn-events',
  /**
   * Drain jobs: at most one per channel (job id = channel id). A drain sends the
   * channel's ready deliveries in ingest order under the destination's rate.
   */
  deliveries: 'wrenn-deliveries',
} as const;

export interface EventJob {
  eventId: string;
}

/** A job of the deliveries queue: drain one channel's mailbox. */
export interface DrainJob {
  channelId: ChannelId;
}

/**
 * An event's fan-out job, ready for `Queue.add` / `addBulk`. The job id is the
 * event id, so the API's enqueue and the outbox relay's repair of the same
 * event queue it once.
 */
export function eventJob(eventId: string) {
  return { name: 'event', data: { eventId } satisfies EventJob, opts: { jobId: eventId } };
}

/** Finished jobs kept in Redis; the delivery rows are the history. */
export const JOB_RETENTION = {
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 24 * 3600 },
} as const;

/**
 * Drain jobs leave Redis as soon as they end: the job id is the channel id,
 * and a kept finished job would make the next add of that channel a no-op.
 */
const DRAIN_JOB_OPTIONS = { removeOnComplete: true, removeOnFail: true } as const;

/** The job id of a channel's drain: the channel id itself, so a channel has at most one. */
export function drainJobId(channelId: ChannelId): string {
  return channelId;
}

/** A channel's drain job, ready for `Queue.add` / `addBulk`; `delayMs` when its first row is not ready yet. */
export function drainJob(channelId: ChannelId, delayMs = 0) {
  return {
    name: 'drain',
    data: { channelId } satisfies DrainJob,
    opts: { jobId: drainJobId(channelId), ...DRAIN_JOB_OPTIONS, ...(delayMs > 0 ? { delay: delayMs } : {}) },
  };
}

import { type EventJob, PRODUCER_COMMAND_TIMEOUT_MS, queueEvents } from '@wrenn/queues';
import { withTimeout } from '@wrenn/runtime';
import type { Queue } from 'bullmq';

/** Enqueues committed events for fan-out; may fail, as the outbox relay enqueues what it missed. */
export type EventPublisher = (eventIds: string[]) => Promise<void>;

export interface EventPublisherOptions {
  queue: Queue<EventJob>;
  /** How long an enqueue may take before the caller stops waiting for it. */
  timeoutMs?: number;
}

/**
 * Enqueues events under their own ids (so the relay's later enqueue of the same
 * event is a no-op). The wait is bounded: a Redis that accepts connections but
 * never answers keeps BullMQ waiting for a ready connection, which no command
 * timeout covers, and a request must not hang on it.
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const { queue, timeoutMs = PRODUCER_COMMAND_TIMEOUT_MS } = options;

  return async (eventIds) => {
    if (eventIds.length === 0) return;
    const attempt = queueEvents(queue, eventIds);
    // Past the deadline the enqueue may still finish; its failure then has no one to tell.
    attempt.catch(() => {});
    await withTimeout(attempt, timeoutMs, () => new Error(`enqueue took longer than ${timeoutMs} ms`));
  };
}

import { MAX_RETRY_AFTER_MS } from '@wrenn/events';
import type { BackoffStrategy, Job } from 'bullmq';

/** The delivery schedule from `WRENN_RETRY_DELAYS`: attempt 1 at once, then after each delay. */
export interface RetrySchedule {
  /** Delays before the 2nd, 3rd… attempt, in milliseconds. */
  delays: readonly number[];
  /** `delays.length + 1`. */
  attempts: number;
}

export function createRetrySchedule(delays: readonly number[]): RetrySchedule {
  return { delays, attempts: delays.length + 1 };
}

/** A retryable attempt; carries the wait the provider asked for, if any. */
export class DeliveryRetryError extends Error {
  override readonly name = 'DeliveryRetryError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * BullMQ backoff for delivery jobs: the scheduled delay, or the provider's
 * Retry-After when that is longer (capped at 15 minutes).
 */
export function scheduleBackoff(schedule: RetrySchedule): BackoffStrategy {
  return (attemptsMade, _type, err) => {
    const scheduled = schedule.delays[attemptsMade - 1] ?? schedule.delays.at(-1) ?? 0;
    const asked = err instanceof DeliveryRetryError ? err.retryAfterMs : undefined;
    if (asked === undefined) return scheduled;
    return Math.max(scheduled, Math.min(asked, MAX_RETRY_AFTER_MS));
  };
}

/**
 * Whether the attempt now running is the delivery's last. The worker's schedule
 * wins over the job's own `attempts`, which a producer without the schedule
 * (the API's redelivery route) sets to a ceiling.
 */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>, schedule: RetrySchedule): boolean {
  const allowed = Math.min(job.opts.attempts ?? 1, schedule.attempts);
  return job.attemptsMade + 1 >= allowed;
}

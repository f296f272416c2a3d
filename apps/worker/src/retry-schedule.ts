import type { SendOutcome } from '@wrenn/providers';

/** The delivery schedule from `WRENN_RETRY_DELAYS`: attempt 1 at once, then after each delay. */
export interface RetrySchedule {
  /** Delays before the 2nd, 3rd… attempt, in milliseconds. */
  delays: readonly number[];
  /**
   * `delays.length + 1`: answers other than 429 a delivery may get before it
   * fails. 429s pause the destination instead and use none of them.
   */
  attempts: number;
}

export function createRetrySchedule(delays: readonly number[]): RetrySchedule {
  return { delays, attempts: delays.length + 1 };
}

/**
 * Whether a delivery that has used `failures` attempts of the schedule has none
 * left once the one it is making now fails: it then fails for good instead of
 * waiting for another.
 */
export function isLastAttempt(schedule: RetrySchedule, failures: number): boolean {
  return failures + 1 >= schedule.attempts;
}

/** What one attempt's outcome means for its delivery, decided once, here. */
export interface AttemptDecision {
  /** The delivery settles with this attempt: a success, a permanent failure or the schedule's last failure. */
  final: boolean;
  /** The attempt uses up one of the schedule's: any failure but a 429. */
  scheduled: boolean;
  /** Milliseconds until the next attempt may go; `null` once final, and after a 429 (the destination waits instead). */
  retryInMs: number | null;
  /** A 429: the destination is paused, and no attempt of the schedule is used. */
  rateLimited: boolean;
}

/**
 * Decides what follows an attempt of a delivery that had used `failures`
 * attempts of the schedule. A retried failure waits the schedule's next delay,
 * or the wait the destination asked for when that is longer (`retryAfterMs`,
 * already capped at 15 minutes). A 429 uses no attempt: the destination is
 * paused instead (see the drain).
 */
export function decideAttempt(schedule: RetrySchedule, failures: number, outcome: SendOutcome): AttemptDecision {
  if (outcome.kind === 'ok') return { final: true, scheduled: false, retryInMs: null, rateLimited: false };
  if (outcome.kind === 'permanent') return { final: true, scheduled: false, retryInMs: null, rateLimited: false };
  // A 429 leaves the row's ready time alone: the destination's pause holds it back, and the
  // time it has waited on the rate since it was ready is what WRENN_MAX_RATE_LIMIT_WAIT measures.
  if (outcome.statusCode === 429) return { final: false, scheduled: false, retryInMs: null, rateLimited: true };
  const final = isLastAttempt(schedule, failures);
  const retryInMs = final ? null : Math.max(scheduledDelay(schedule, failures), outcome.retryAfterMs ?? 0);
  return { final, scheduled: true, retryInMs, rateLimited: false };
}

/** The schedule's delay before the next attempt of a delivery that has used `failures` attempts. */
export function scheduledDelay(schedule: RetrySchedule, failures: number): number {
  const { delays } = schedule;
  return delays[Math.min(failures, delays.length - 1)] ?? 0;
}

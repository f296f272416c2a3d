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

import type { JobState } from 'bullmq';

const IN_QUEUE: ReadonlySet<string> = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * True while a job waits, is delayed or runs: adding its id again changes
 * nothing. A finished job still stored (completed, failed) blocks an add of
 * its id too, so it is removed before its replacement is added.
 */
export function isInQueue(state: JobState | 'unknown'): boolean {
  return IN_QUEUE.has(state);
}

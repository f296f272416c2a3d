/**
 * The job catalog. Jobs carry ids only: Redis keeps job data in clear text,
 * so configs, secrets and rendered payloads never go there.
 */
export const QUEUES = {
  /** One job per event (job id = event id): fan out to subscribed channels. */
  events: 'wrenn-events',
  /** One job per delivery and generation (job id `dlv-….<generation>`): render, send, record. */
  deliveries: 'wrenn-deliveries',
} as const;

export interface EventJob {
  eventId: string;
}

export interface DeliveryJob {
  deliveryId: string;
  /**
   * The delivery's generation this job was queued for (1, then one more per
   * redelivery). Absent means 1: a new delivery, or a job queued before
   * generations existed.
   */
  generation?: number;
}

/** Finished jobs kept in Redis; the delivery rows are the history. */
export const JOB_RETENTION = {
  removeOnComplete: { count: 1000, age: 3600 },
  removeOnFail: { count: 5000, age: 24 * 3600 },
} as const;

/** Upper bound for any provider-requested wait (CONTRACT section 6). */
export const MAX_RETRY_AFTER_MS = 15 * 60 * 1000;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/**
 * Parses `WRENN_RETRY_DELAYS` (`10s,30s`, units ms/s/m) into milliseconds.
 * Throws with a message naming the bad item. An empty string means one attempt only.
 */
export function parseRetryDelays(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((raw) => {
    const item = raw.trim();
    const match = DURATION.exec(item);
    if (!match) throw new Error(`"${item}" is not a duration like 500ms, 10s or 2m`);
    return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  });
}

/** The custom backoff type delivery jobs use; the worker's strategy reads `WRENN_RETRY_DELAYS`. */
export const DELIVERY_BACKOFF = 'wrenn-schedule';

/**
 * Ceiling on attempts for a delivery job added by a process that does not know
 * the worker's schedule (the API's redelivery route). The worker ends the job
 * after its own schedule's last attempt, so the ceiling is never reached.
 */
export const DELIVERY_ATTEMPTS_CEILING = 25;

/**
 * The job id of a delivery's generation, `dlv-….<generation>`: duplicates of
 * one generation collapse, while a redelivery never collides with the job of
 * an earlier one (still running, delayed, or kept after it finished).
 */
export function deliveryJobId(deliveryId: string, generation = 1): string {
  return `${deliveryId}.${generation}`;
}

/** Options of a delivery job; `generation` defaults to a new delivery's. */
export function deliveryJobOptions(deliveryId: string, attempts = DELIVERY_ATTEMPTS_CEILING, generation = 1) {
  return { jobId: deliveryJobId(deliveryId, generation), attempts, backoff: { type: DELIVERY_BACKOFF } };
}

/** A delivery job of one generation, ready for `Queue.add` / `addBulk`. */
export function deliveryJob(deliveryId: string, generation: number, attempts = DELIVERY_ATTEMPTS_CEILING) {
  return {
    name: 'delivery',
    data: { deliveryId, generation } satisfies DeliveryJob,
    opts: deliveryJobOptions(deliveryId, attempts, generation),
  };
}

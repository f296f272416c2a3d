/**
 * The job catalog. Jobs carry ids only: Redis keeps job data in clear text,
 * so configs, secrets and rendered payloads never go there.
 */
export const QUEUES = {
  /** One job per event (job id = event id): fan out to subscribed channels. */
  events: 'wrenn-events',
  /** One job per delivery (job id = delivery id): render, send, record. */
  deliveries: 'wrenn-deliveries',
} as const;

export interface EventJob {
  eventId: string;
}

export interface DeliveryJob {
  deliveryId: string;
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

/** Options of a delivery job: the job id is the delivery id, so duplicates collapse. */
export function deliveryJobOptions(deliveryId: string, attempts = DELIVERY_ATTEMPTS_CEILING) {
  return { jobId: deliveryId, attempts, backoff: { type: DELIVERY_BACKOFF } };
}

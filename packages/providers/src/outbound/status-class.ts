import type { PermanentCause } from '../provider';

/** How an HTTP status of a provider's answer is treated (CONTRACT 6). */
export type StatusClass = 'ok' | 'rate_limited' | 'permanent' | 'transient';

/**
 * 2xx is success; 429 is a rate limit; 408/425 and everything that is not a
 * 4xx (3xx since redirects are never followed, 5xx) is transient; any other
 * 4xx says the destination, credential or payload is wrong, so retrying the
 * same request cannot help.
 */
export function classifyStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 425) return 'transient';
  if (status >= 400 && status < 500) return 'permanent';
  return 'transient';
}

/** Statuses that say the destination or its credential is gone or refused. */
const DESTINATION_STATUSES = new Set([401, 403, 404, 410]);

/**
 * Whose fault a permanent answer is when the body says nothing more precise:
 * 401/403/404/410 mean the destination or credential is gone or refused, 413
 * means our message was too large, anything else is unexplained.
 */
export function causeForStatus(status: number): PermanentCause {
  if (DESTINATION_STATUSES.has(status)) return 'destination';
  if (status === 413) return 'message';
  return 'other';
}

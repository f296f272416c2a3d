import type { PermanentCause, SendOutcome } from '../provider';

/** How an HTTP status of a provider's answer is treated. */
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

/** A retried outcome, waiting `retryAfterMs` first when the provider said how long. */
export function retryOutcome(statusCode: number | null, reason: string, retryAfterMs?: number): SendOutcome {
  return retryAfterMs === undefined
    ? { kind: 'retry', statusCode, reason }
    : { kind: 'retry', statusCode, reason, retryAfterMs };
}

export interface StatusOutcomeDetails {
  /** The wait a 429 asked for, read from its headers or body. */
  retryAfterMs?: number | undefined;
  /** Whose fault a permanent answer is, when the body says more than the status. */
  cause?: PermanentCause;
}

/**
 * The outcome of a provider's HTTP answer by its status class: 2xx ok, 429
 * retried after the wait it asked for, other 4xx permanent, the rest retried.
 */
export function outcomeForStatus(status: number, reason: string, details: StatusOutcomeDetails = {}): SendOutcome {
  switch (classifyStatus(status)) {
    case 'ok':
      return { kind: 'ok', statusCode: status };
    case 'rate_limited':
      return retryOutcome(status, reason, details.retryAfterMs);
    case 'permanent':
      return { kind: 'permanent', statusCode: status, reason, cause: details.cause ?? causeForStatus(status) };
    default:
      return { kind: 'retry', statusCode: status, reason };
  }
}

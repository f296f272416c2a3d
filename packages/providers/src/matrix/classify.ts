import { redactKnown } from '@wrenn/runtime';
import { summarizeResponse } from '../outbound/failures';
import { jsonObject } from '../outbound/json-object';
import type { OutboundResponse } from '../outbound/outbound-http';
import { parseRetryAfter, secondsToMs } from '../outbound/retry-after';
import { causeForStatus, outcomeForStatus } from '../outbound/status-class';
import type { PermanentCause, SendOutcome } from '../provider';

/** The client-server API's error body. */
interface MatrixError {
  errcode?: unknown;
  error?: unknown;
  retry_after_ms?: unknown;
  soft_logout?: unknown;
}

/** The token is unknown or missing, or the user may not post in the room. */
const DESTINATION_ERRCODES = new Set(['M_FORBIDDEN', 'M_UNKNOWN_TOKEN', 'M_MISSING_TOKEN']);
/** The event we rendered was refused. */
const MESSAGE_ERRCODES = new Set(['M_BAD_JSON', 'M_NOT_JSON', 'M_TOO_LARGE']);

/** Whether an `errcode` says the token is unknown or missing, or the user may not post in the room. */
export function isDestinationErrcode(errcode: unknown): boolean {
  return typeof errcode === 'string' && DESTINATION_ERRCODES.has(errcode);
}

/** Whose fault a permanent homeserver answer is: its `errcode` first, then its status. */
export function matrixCause(status: number, errcode: unknown): PermanentCause {
  if (isDestinationErrcode(errcode)) return 'destination';
  if (typeof errcode === 'string' && MESSAGE_ERRCODES.has(errcode)) return 'message';
  return causeForStatus(status);
}

function describe(status: number, error: MatrixError, body: string): string {
  if (typeof error.errcode !== 'string') return summarizeResponse(status, body);
  const message = typeof error.error === 'string' ? `: ${error.error}` : '';
  const hint = error.soft_logout === true ? ' (the session expired: log in again and update the access token)' : '';
  return `Matrix ${status} ${error.errcode}${message}${hint}`;
}

/**
 * Classifies a homeserver's answer. 429 `M_LIMIT_EXCEEDED` waits for
 * `Retry-After` (spec v1.10+) or else the older `retry_after_ms`; other 4xx
 * (`M_UNKNOWN_TOKEN`, `M_FORBIDDEN`, `M_BAD_JSON`, `M_TOO_LARGE`, a wrong
 * base URL) are permanent; 5xx, 408, 425 and redirects are retried. The access
 * token is scrubbed from every reason.
 */
export function classifyMatrixResponse(response: OutboundResponse, accessToken: string): SendOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'ok', statusCode: status };
  const error = jsonObject<MatrixError>(response.body);
  const reason = redactKnown(describe(status, error, response.body), [accessToken]);
  const fromBody = typeof error.retry_after_ms === 'number' ? secondsToMs(error.retry_after_ms / 1000) : undefined;
  return outcomeForStatus(status, reason, {
    retryAfterMs: parseRetryAfter(response.headers['retry-after']) ?? fromBody,
    cause: matrixCause(status, error.errcode),
  });
}

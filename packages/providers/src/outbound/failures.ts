import { redactText } from '@wrenn/runtime';
import type { FailedOutcome } from '../provider';
import { DnsLookupTimeoutError, TargetNotAllowedError } from './outbound-http';

/** The error itself or the first of its causes that `match` accepts (fetch wraps connect errors). */
function findInChain<T>(err: unknown, match: (e: unknown) => e is T): T | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (match(current)) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Connection failures that mean the destination could not be reached at all. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * The outcome of a request that got no HTTP answer: a refused target is
 * permanent (the destination is refused), a timeout, a slow resolver or a
 * network error is retried. The reason is redacted.
 */
export function outcomeForError(err: unknown, timeoutMs: number): FailedOutcome {
  const refused = findInChain(err, (e): e is TargetNotAllowedError => e instanceof TargetNotAllowedError);
  if (refused) return { kind: 'permanent', statusCode: null, reason: refused.message, cause: 'destination' };
  const slowDns = findInChain(err, (e): e is DnsLookupTimeoutError => e instanceof DnsLookupTimeoutError);
  if (slowDns) return { kind: 'retry', statusCode: null, reason: slowDns.message, unanswered: true };
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT') {
    return { kind: 'retry', statusCode: null, reason: `no answer within ${timeoutMs / 1000} s`, unanswered: true };
  }
  const code = e?.code ?? e?.cause?.code;
  const text = code ? `network error ${code}` : `network error: ${e?.message ?? String(err)}`;
  // A malformed answer is still an answer; only a destination that cannot be reached is unanswered.
  const unanswered = code !== undefined && UNREACHABLE.has(code);
  return { kind: 'retry', statusCode: null, reason: redactText(text), ...(unanswered ? { unanswered } : {}) };
}

/**
 * A redacted summary of an error response. It is not shortened here:
 * cutting before every secret is redacted could leave a secret's first
 * characters behind, so `sendEvent` shortens once, after redacting.
 */
export function summarizeResponse(status: number, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  return redactText(text ? `HTTP ${status}: ${text}` : `HTTP ${status}`);
}

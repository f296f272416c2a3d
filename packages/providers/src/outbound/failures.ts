import { redactText } from '@wrenn/runtime';
import type { SendOutcome } from '../provider';
import { TargetNotAllowedError } from './outbound-http';

/**
 * The outcome of a request that got no HTTP answer: a refused target is
 * permanent, a timeout or network error is retried. The reason is redacted.
 */
export function outcomeForError(err: unknown, timeoutMs: number): SendOutcome {
  if (err instanceof TargetNotAllowedError) return { kind: 'permanent', statusCode: null, reason: err.message };
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError' || e?.code === 'UND_ERR_HEADERS_TIMEOUT') {
    return { kind: 'retry', statusCode: null, reason: `no answer within ${timeoutMs / 1000} s` };
  }
  const code = e?.code ?? e?.cause?.code;
  const text = code ? `network error ${code}` : `network error: ${e?.message ?? String(err)}`;
  return { kind: 'retry', statusCode: null, reason: redactText(text).slice(0, 300) };
}

/** A short, redacted summary of an error response for `last_error`. */
export function summarizeResponse(status: number, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return redactText(text ? `HTTP ${status}: ${text}` : `HTTP ${status}`);
}

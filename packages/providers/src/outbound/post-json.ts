import { redactKnown } from '@wrenn/runtime';
import type { SendContext, SendOutcome } from '../provider';
import { outcomeForError } from './failures';
import { parseRetryAfter } from './retry-after';
import { outcomeForStatus } from './status-class';

/**
 * The useful part of an error body: Google-style and Azure-style JSON
 * (`{"error":{"code","status","message"}}`) become `STATUS: message`, other
 * bodies are kept as text.
 */
export function describeErrorBody(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; status?: unknown; message?: unknown } };
    const error = parsed?.error;
    if (error && typeof error === 'object') {
      const kind = typeof error.status === 'string' ? error.status : typeof error.code === 'string' ? error.code : '';
      const message = typeof error.message === 'string' ? error.message : '';
      const text = [kind, message].filter(Boolean).join(': ');
      if (text) return text;
    }
  } catch {
    // Not JSON: the text itself is the best description.
  }
  return body.replace(/<[^>]*>/g, ' ');
}

export interface JsonPost {
  /** Provider name for reasons: "Teams 401: …". */
  label: string;
  url: string;
  body: string;
  /** Credential values to scrub from reasons in addition to the generic patterns. */
  secrets: string[];
  /**
   * `true` when the URL's origin is the user's (the address rules apply);
   * `false` when the operator's API base replaced it.
   */
  guarded: boolean;
}

/**
 * POSTs a JSON body to a provider's webhook (Teams, Google Chat) and
 * classifies the answer: 2xx ok, 429 retry after `Retry-After`, other 4xx
 * permanent, the rest (3xx, 5xx, timeouts, network errors) retried. These
 * APIs answer 400 only for a body they cannot take, so a 400 (like a 413) is
 * our message's fault; 401/403/404/410 mean the webhook is gone or refused.
 */
export async function postJson(post: JsonPost, { settings, http }: SendContext): Promise<SendOutcome> {
  const clean = (text: string) => redactKnown(text.replace(/\s+/g, ' ').trim(), post.secrets);
  let response: Awaited<ReturnType<typeof http.request>>;
  try {
    response = await http.request(post.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': settings.userAgent },
      body: post.body,
      timeoutMs: settings.timeoutMs,
      guarded: post.guarded,
    });
  } catch (err) {
    const outcome = outcomeForError(err, settings.timeoutMs);
    return { ...outcome, reason: clean(outcome.reason) };
  }
  const { status } = response;
  const detail = describeErrorBody(response.body).replace(/\s+/g, ' ').trim();
  const reason = clean(detail ? `${post.label} ${status}: ${detail}` : `${post.label} ${status}`);
  return outcomeForStatus(status, reason, {
    retryAfterMs: parseRetryAfter(response.headers['retry-after']),
    // These APIs answer 400 only for a body they cannot take.
    ...(status === 400 ? { cause: 'message' as const } : {}),
  });
}

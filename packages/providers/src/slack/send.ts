import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
} from '@slack/webhook';
import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import { rebaseUrl } from '../outbound/rebase-url';
import { parseRetryAfter } from '../outbound/retry-after';
import { classifyStatus } from '../outbound/status-class';
import type { ProviderSettings, SendOutcome } from '../provider';
import type { SlackMessage } from './render';

const MAX_REASON = 300;

/**
 * Posts a rendered message with @slack/webhook. The fetch wrapper belongs to
 * this one send and keeps the response headers, because the library's HTTP
 * error does not expose them and a 429's `Retry-After` is needed.
 */
export async function postSlackMessage(
  message: SlackMessage,
  hook: { url: string; secret: string },
  settings: ProviderSettings,
): Promise<SendOutcome> {
  let lastHeaders: Headers | undefined;
  const capturingFetch: FetchFunction = async (url, init) => {
    const response = await fetch(url, {
      ...init,
      headers: { ...init?.headers, 'User-Agent': settings.userAgent },
    } as RequestInit);
    lastHeaders = response.headers;
    return response;
  };
  // retryConfig stays unset: the job queue owns retries.
  const webhook = new IncomingWebhook(rebaseUrl(hook.url, settings.slackApiBase), {
    timeout: settings.timeoutMs,
    fetch: capturingFetch,
  });
  const clean = (text: string) => redactKnown(text.replace(/\s+/g, ' ').trim(), [hook.secret]).slice(0, MAX_REASON);

  try {
    await webhook.send({ ...message, unfurl_links: false, unfurl_media: false });
    return { kind: 'ok', statusCode: 200 };
  } catch (err) {
    if (err instanceof IncomingWebhookHTTPError) {
      const status = err.statusCode;
      const answer = err.body.trim() || err.statusMessage;
      const reason = clean(`Slack ${status}: ${answer}`);
      switch (classifyStatus(status)) {
        case 'rate_limited': {
          const retryAfterMs = parseRetryAfter(lastHeaders?.get('retry-after') ?? undefined);
          return retryAfterMs === undefined
            ? { kind: 'retry', statusCode: 429, reason }
            : { kind: 'retry', statusCode: 429, reason, retryAfterMs };
        }
        case 'permanent':
          return { kind: 'permanent', statusCode: status, reason };
        default:
          return { kind: 'retry', statusCode: status, reason };
      }
    }
    const cause = err instanceof IncomingWebhookRequestError ? err.original : err;
    const outcome = outcomeForError(cause, settings.timeoutMs);
    return outcome.kind === 'ok' ? outcome : { ...outcome, reason: clean(outcome.reason) };
  }
}

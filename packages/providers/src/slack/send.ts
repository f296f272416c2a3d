import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import { rebaseUrl } from '../outbound/rebase-url';
import { parseRetryAfter } from '../outbound/retry-after';
import { causeForStatus, outcomeForStatus } from '../outbound/status-class';
import type { PermanentCause, SendContext, SendOutcome } from '../provider';
import { outboundFetch } from './outbound-fetch';
import type { SlackMessage } from './render';

/** Error words saying the webhook, its channel or its workspace is gone or refuses us. */
const DESTINATION_ERRORS = new Set([
  'no_service',
  'no_team',
  'team_disabled',
  'channel_not_found',
  'channel_is_archived',
  'invalid_token',
  'action_prohibited',
  'posting_to_general_channel_denied',
]);
/** Error words saying the message we rendered was refused. */
const MESSAGE_ERRORS = new Set([
  'invalid_payload',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'no_text',
  'missing_text_or_fallback_or_attachments',
  'too_many_attachments',
  'msg_too_long',
]);

/** Whose fault a permanent Slack answer is: its plain-text error word first, then its status. */
export function slackCause(status: number, body: string): PermanentCause {
  const word = /^[a-z_]+/.exec(body.trim())?.[0] ?? '';
  if (DESTINATION_ERRORS.has(word)) return 'destination';
  if (MESSAGE_ERRORS.has(word)) return 'message';
  return causeForStatus(status);
}

/**
 * Posts a rendered message with @slack/webhook. Its requests go through the
 * service's outbound client: guarded by the address rules unless the
 * operator's Slack API base replaces the user's origin. The client keeps the
 * response headers, which the library's HTTP error does not expose, so a
 * 429's `Retry-After` is read from the one response of this send.
 */
export async function postSlackMessage(
  message: SlackMessage,
  hook: { url: string; secret: string },
  { settings, http }: SendContext,
): Promise<SendOutcome> {
  let lastHeaders: { get(name: string): string | null } | undefined;
  const fetchThrough = outboundFetch(http, {
    guarded: settings.slackApiBase === undefined,
    timeoutMs: settings.timeoutMs,
    userAgent: settings.userAgent,
  });
  // retryConfig stays unset: the job queue owns retries.
  const webhook = new IncomingWebhook(rebaseUrl(hook.url, settings.slackApiBase), {
    timeout: settings.timeoutMs,
    fetch: async (url, init) => {
      const response = await fetchThrough(url, init);
      lastHeaders = response.headers;
      return response;
    },
  });
  const clean = (text: string) => redactKnown(text.replace(/\s+/g, ' ').trim(), [hook.secret]);

  try {
    await webhook.send({ ...message, unfurl_links: false, unfurl_media: false });
    return { kind: 'ok', statusCode: 200 };
  } catch (err) {
    if (err instanceof IncomingWebhookHTTPError) {
      const status = err.statusCode;
      const answer = err.body.trim() || err.statusMessage;
      const reason = clean(`Slack ${status}: ${answer}`);
      return outcomeForStatus(status, reason, {
        retryAfterMs: parseRetryAfter(lastHeaders?.get('retry-after') ?? undefined),
        cause: slackCause(status, err.body),
      });
    }
    const cause = err instanceof IncomingWebhookRequestError ? err.original : err;
    const outcome = outcomeForError(cause, settings.timeoutMs);
    return { ...outcome, reason: clean(outcome.reason) };
  }
}

import {
  type Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import { parseRetryAfter } from '../outbound/retry-after';
import { outcomeForStatus } from '../outbound/status-class';
import type { FailedOutcome, PermanentCause, SendContext } from '../provider';
import type { SlackApp } from './app-config';
import { outboundFetch } from './outbound-fetch';

const SLACK_API_ORIGIN = 'https://slack.com';

/** `chat.update` refusals that mean the message is gone or can no longer be edited: post a new one. */
export const SLACK_REPOST_ERRORS: ReadonlySet<string> = new Set([
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
]);

/** Errors saying the token, the workspace or the channel is gone or refuses the bot: they count towards auto-disable. */
const DESTINATION_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'channel_is_archived',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'team_access_not_granted',
  'ekm_access_denied',
  'org_login_required',
]);

/** Errors saying the message we rendered was refused: our fault, never the destination's. */
const MESSAGE_ERRORS = new Set([
  'msg_too_long',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_attachments',
  'too_many_attachments',
  'no_text',
  'invalid_metadata_format',
  'invalid_metadata_schema',
]);

/** Errors Slack gives when it is the one failing: worth another attempt. */
const TRANSIENT_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/** A silent logger: the client's debug lines would carry request bodies and its warnings are ours to word. */
const SILENT: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** What one Web API call came to: Slack's answer, or the outcome of a call that failed. */
export type SlackCall<T> =
  | { ok: true; result: T }
  | { ok: false; outcome: FailedOutcome /** Slack's `error` word, when it answered `ok: false`. */; error?: string };

/** Whose fault a Web API `error` word is, or `undefined` when Slack is the one failing. */
export function slackApiCause(error: string): PermanentCause | undefined {
  if (TRANSIENT_ERRORS.has(error)) return undefined;
  if (DESTINATION_ERRORS.has(error)) return 'destination';
  if (MESSAGE_ERRORS.has(error)) return 'message';
  return 'other';
}

/** Where Web API calls go: `<WRENN_SLACK_API_BASE>/api/`, else Slack's own. */
export function slackApiUrl(apiBase: string | undefined): string {
  return `${(apiBase ?? SLACK_API_ORIGIN).replace(/\/+$/, '')}/api/`;
}

/**
 * Calls one Web API method with @slack/web-api's WebClient, configured so the
 * service's own rules apply: the outbound client (no redirects, body cap), the
 * provider timeout, no retry inside the client (the queue owns retries), a 429
 * rejected at once rather than waited on, and a logger that prints nothing.
 * The answer is classified once, here; reasons never carry the token.
 */
export async function callSlack<T extends object>(
  app: Pick<SlackApp, 'botToken'>,
  method: string,
  params: Record<string, unknown>,
  { settings, http }: SendContext,
): Promise<SlackCall<T>> {
  let last: { status: number; retryAfter: string | null } | undefined;
  // The Web API origin is the operator's (Slack's own, or WRENN_SLACK_API_BASE), never user-supplied.
  const fetchThrough = outboundFetch(http, {
    guarded: false,
    timeoutMs: settings.timeoutMs,
    userAgent: settings.userAgent,
  });
  const client = new WebClient(app.botToken, {
    slackApiUrl: slackApiUrl(settings.slackApiBase),
    allowAbsoluteUrls: false,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: settings.timeoutMs,
    logger: SILENT,
    fetch: async (url, init) => {
      const response = await fetchThrough(url, init as Parameters<typeof fetchThrough>[1]);
      last = { status: response.status, retryAfter: response.headers.get('retry-after') };
      return response;
    },
  });
  const clean = (text: string) => redactKnown(text.replace(/\s+/g, ' ').trim(), [app.botToken]);

  try {
    return { ok: true, result: (await client.apiCall(method, params)) as T };
  } catch (err) {
    if (last?.status === 429) {
      const reason = clean(`Slack ${method}: HTTP 429 rate limited`);
      return {
        ok: false,
        outcome: outcomeForStatus(429, reason, {
          retryAfterMs: parseRetryAfter(last.retryAfter ?? undefined),
        }) as FailedOutcome,
      };
    }
    if (err instanceof WebAPIPlatformError) {
      const error = String(err.data.error);
      const reason = clean(`Slack ${method}: ${error}`);
      const cause = slackApiCause(error);
      const outcome: FailedOutcome =
        cause === undefined
          ? { kind: 'retry', statusCode: 200, reason }
          : { kind: 'permanent', statusCode: 200, reason, cause };
      return { ok: false, outcome, error };
    }
    if (err instanceof WebAPIHTTPError) {
      const body = typeof err.body === 'string' ? err.body : '';
      const reason = clean(`Slack ${method}: HTTP ${err.statusCode}${body ? ` ${body.slice(0, 200)}` : ''}`);
      // The Web API answers 200 or 429; any other status is a proxy's or an operator base's, not the destination's word.
      return { ok: false, outcome: outcomeForStatus(err.statusCode, reason, { cause: 'other' }) as FailedOutcome };
    }
    const cause = err instanceof WebAPIRequestError ? err.original : err;
    if (last !== undefined && !(err instanceof WebAPIRequestError)) {
      // Slack answered, but not with the JSON the client reads (a proxy's page, a cut body).
      return {
        ok: false,
        outcome: {
          kind: 'retry',
          statusCode: last.status,
          reason: clean(`Slack ${method}: unreadable answer (HTTP ${last.status})`),
        },
      };
    }
    const outcome = outcomeForError(cause, settings.timeoutMs);
    return { ok: false, outcome: { ...outcome, reason: clean(`Slack ${method}: ${outcome.reason}`) } };
  }
}

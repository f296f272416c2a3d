import type { EventPayload, LinkTemplates } from '@wrenn/events';
import type { OutboundHttp } from './outbound/outbound-http';

export const PROVIDER_NAMES = ['discord', 'slack', 'teams', 'googlechat', 'telegram', 'matrix', 'webhook'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export function isProviderName(value: unknown): value is ProviderName {
  return typeof value === 'string' && (PROVIDER_NAMES as readonly string[]).includes(value);
}

/** Operator configuration shared by every provider (from the environment). */
export interface ProviderSettings {
  /** `WRENN_ALLOW_PRIVATE_TARGETS`: user-supplied URLs may reach private/loopback addresses. */
  allowPrivateTargets: boolean;
  /** `WRENN_DISCORD_API_BASE`, e.g. `https://discord.com/api`. */
  discordApiBase: string;
  /** When set, requests keep the user URL's path and query but go to this origin. */
  slackApiBase?: string | undefined;
  teamsApiBase?: string | undefined;
  googleChatApiBase?: string | undefined;
  /** `WRENN_TELEGRAM_API_BASE`, e.g. `https://api.telegram.org`. */
  telegramApiBase: string;
  /** Per-attempt timeout (`WRENN_PROVIDER_TIMEOUT`); 10 s by default. */
  timeoutMs: number;
  /** `Wrenn-Webhooks/<version>`. */
  userAgent: string;
  /** `WRENN_LINK_TEMPLATES`: dashboard links added to each event's resource at send time; unset, none. */
  linkTemplates?: LinkTemplates | undefined;
}

/** A config is a flat map of strings: what the API accepts and what is stored, one sealed value per key. */
export type ChannelConfig = Record<string, string>;

export type ConfigCheck = { ok: true; config: ChannelConfig } | { ok: false; message: string };

/**
 * What a destination said about a config before it is stored or tested:
 * `invalid` when it refuses it (a revoked token, a channel the bot is not in:
 * the user's to fix), `unreachable` when it could not be asked (a timeout, a
 * 5xx, a rate limit: try again). Messages never carry a credential.
 */
export type DestinationCheck = { ok: true } | { ok: false; kind: 'invalid' | 'unreachable'; message: string };

/** One event of a request, with the delivery it is sent for. */
export interface SendItem {
  /** Stable across retries: webhook-id, Matrix txnId. */
  deliveryId: string;
  event: EventPayload;
}

/** What one request to a channel is sent with, whether it carries one event or several. */
export interface SendTarget {
  config: ChannelConfig;
  /**
   * W3C `traceparent` of the attempt (see the worker's attempt span): the
   * webhook provider sends it as the `traceparent` header, so the receiver's
   * spans join the event's trace; chat providers ignore it.
   */
  traceparent?: string | null | undefined;
}

/** One event sent on its own. */
export interface SendInput extends SendItem, SendTarget {}

/** Events of one channel, in ingest order, offered to one request. */
export interface SendBatchInput extends SendTarget {
  items: readonly SendItem[];
}

export interface SendContext {
  settings: ProviderSettings;
  http: OutboundHttp;
}

/**
 * What one attempt came to. Expected outcomes are values, not throws.
 * `reason` is a short summary of the provider's answer; `sendEvent` hands it
 * out as printable text of at most 500 characters without any config value
 * or URL credential (see `printableReason`).
 */
export type SendOutcome =
  | { kind: 'ok'; statusCode: number | null; configUpdate?: ChannelConfig; rateHint?: RateHint }
  | {
      kind: 'retry';
      statusCode: number | null;
      reason: string;
      retryAfterMs?: number;
      rateHint?: RateHint;
      /** No answer came at all (a timeout or a network error): what a circuit breaker counts. */
      unanswered?: boolean;
    }
  | {
      kind: 'permanent';
      statusCode: number | null;
      reason: string;
      /**
       * Whose fault it is: `destination` (the destination or credential is gone
       * or refused, or its address is not allowed; counts towards auto-disable),
       * `message` (the provider rejected what we rendered: our bug, never
       * disables), `other` (anything else permanent; never disables).
       */
      cause: PermanentCause;
      /** The destination is gone for good (a webhook's 410): disable the channel at once. */
      disableNow?: boolean;
    };

export type PermanentCause = 'destination' | 'message' | 'other';

/** An outcome that is not a success. */
export type FailedOutcome = Exclude<SendOutcome, { kind: 'ok' }>;

/** What a destination said about its rate in an answer (`X-RateLimit-*`, `RateLimit` headers). */
export interface RateHint {
  /** Requests left in the current window. */
  remaining: number;
  /** Milliseconds until the window resets. */
  resetAfterMs: number;
  /** Requests the window allows in all, when the answer said. */
  limit?: number;
}

/** Several events to one destination sent as one request. */
export interface SentBatch {
  outcome: SendOutcome;
  /** How many leading inputs the request carried: at least 1. */
  carried: number;
}

/**
 * How a channel shows events: `each` posts one message per event (or one
 * combined message per burst); `resource` keeps one message per resource and
 * updates it (CONTRACT section 6, "Quiet channels").
 */
export const MESSAGE_STYLES = ['each', 'resource'] as const;
export type MessageStyle = (typeof MESSAGE_STYLES)[number];

/**
 * Where a posted message can be found again: the provider's own ids (Discord
 * `message_id`, Telegram `message_id`, Matrix `event_id`, Slack `channel` +
 * `ts`, Google Chat `thread_key`), never a credential. Stored as plain JSON.
 */
export type MessageRef = Record<string, string>;

/** One resource a resource-style message shows, with the events about it in order. */
export interface BoardResource {
  /** `resource.type` of its events: `sandbox`, `host`, `template`, `channel`. */
  type: string;
  id: string;
  /** The events the message shows, oldest first; the last `fresh` of them are new in this request. */
  events: EventPayload[];
  /** How many of the trailing `events` this request brings (at least 1 for a resource it adds to). */
  fresh: number;
  /** Earlier events no longer kept: shown as "N earlier events". */
  earlier: number;
}

/** A resource-style message to post, or to bring up to date. */
export interface BoardInput {
  /** The request's first delivery: stable across retries (Matrix txnId). */
  deliveryId: string;
  config: ChannelConfig;
  /** Every resource the message shows, in order of first appearance. */
  resources: BoardResource[];
  /**
   * The message to edit (or the thread to reply in); `undefined` posts a new
   * message. A provider whose edit is refused because the message is gone or
   * too old posts anew and reports it with the new reference.
   */
  previous: MessageRef | undefined;
  traceparent?: string | null | undefined;
}

/** A board's outcome: on success, the reference of the message that now shows it. */
export type BoardOutcome =
  | Exclude<SendOutcome, { kind: 'ok' }>
  | (Extract<SendOutcome, { kind: 'ok' }> & { message: MessageRef });

/** One destination kind. Adding a provider = one folder + one registry line. */
export interface Provider {
  name: ProviderName;
  configKeys: {
    required: readonly string[];
    optional: readonly string[];
    /**
     * Alternative forms of a config: exactly one of these key sets is given,
     * in full, and keys of two forms never mix (Slack: `webhook_url`, or
     * `bot_token` and `channel_id`).
     */
    oneOf?: readonly (readonly string[])[];
  };
  /**
   * Checks the values' shapes (official URL forms, token formats) without any
   * network access and returns the config to store, normalised. Required, alternative and
   * unknown keys are checked by the caller from `configKeys`. The settings
   * decide operator-dependent rules (a Matrix homeserver may use http only
   * when private targets are allowed).
   */
  validateConfig(config: ChannelConfig, settings: ProviderSettings): ConfigCheck;
  /**
   * User-supplied URLs the outbound-safety rule applies to: every URL whose
   * origin no operator API base replaces (a webhook URL, a Matrix homeserver,
   * a Slack/Teams/Google Chat URL without its `WRENN_*_API_BASE`).
   */
  userTargets(config: ChannelConfig, settings: ProviderSettings): string[];
  /** Renders and sends one event. Throws only on programming errors. */
  send(input: SendInput, context: SendContext): Promise<SendOutcome>;
  /**
   * Sends as many leading `input.items` (in ingest order, one channel) as fit
   * in one message, at least the first: chat providers render a digest (a
   * single event renders exactly as `send` does), the webhook provider always
   * carries one event. Throws only on programming errors.
   */
  sendMany(input: SendBatchInput, context: SendContext): Promise<SentBatch>;
  /** The styles the provider supports: `resource` only where it can edit a message or reply in a thread. */
  messageStyles: readonly MessageStyle[];
  /**
   * Resource style: posts `input.resources` as one message, or brings the
   * message `input.previous` up to date (an edit; Google Chat: a reply in its
   * thread). Present exactly when `messageStyles` includes `resource`.
   */
  sendBoard?(input: BoardInput, context: SendContext): Promise<BoardOutcome>;
  /**
   * Asks the destination whether a validated config works (a token is valid,
   * its bot is in the channel) before the API stores or tests it; only for
   * providers whose config shape says too little. Throws only on programming errors.
   */
  checkDestination?(config: ChannelConfig, context: SendContext): Promise<DestinationCheck>;
}

import type { WebhookClient } from 'discord.js';
import type { ChannelConfig, FailedOutcome, ProviderSettings, RateHint } from '../provider';
import { discordClientFor, loadDiscord, withRateHint } from './client-cache';
import { outcomeForDiscordError } from './outcome';
import { parseDiscordWebhookUrl } from './webhook-url';

type DiscordModule = Awaited<ReturnType<typeof loadDiscord>>;

/** A channel's webhook, ready for requests: the cached client and where its messages go. */
export interface DiscordWebhook {
  discord: DiscordModule;
  client: WebhookClient;
  token: string;
  /** The thread new messages are posted in, from the config or the URL. */
  threadId: string | undefined;
  timeoutMs: number;
}

/** The webhook of a config, or the outcome of a stored URL that no longer passes the rules. */
export async function openDiscordWebhook(
  config: ChannelConfig,
  settings: ProviderSettings,
): Promise<DiscordWebhook | { failed: FailedOutcome }> {
  const hook = parseDiscordWebhookUrl(config.webhook_url ?? '');
  // A stored URL that no longer passes the rules cannot be delivered to until it is replaced.
  if (!hook.ok) return { failed: { kind: 'permanent', statusCode: null, reason: hook.message, cause: 'destination' } };
  const discord = await loadDiscord();
  const client = discordClientFor(discord, {
    id: hook.id,
    token: hook.token,
    apiBase: settings.discordApiBase,
    timeoutMs: settings.timeoutMs,
    userAgent: settings.userAgent,
  });
  return {
    discord,
    client,
    token: hook.token,
    threadId: config.thread_id ?? hook.threadId,
    timeoutMs: settings.timeoutMs,
  };
}

/** A request's result: the value and the bucket state on success, else the classified outcome and the error. */
export type WebhookResult<T> =
  | { ok: true; value: T; rateHint: RateHint | undefined }
  | { ok: false; outcome: FailedOutcome; error: unknown };

/**
 * Runs one request on the webhook's client and classifies a failure as every
 * Discord send does; a retry carries the bucket state Discord reported.
 */
export async function runOnWebhook<T>(
  webhook: DiscordWebhook,
  request: (client: WebhookClient) => Promise<T>,
): Promise<WebhookResult<T>> {
  const { result, rateHint } = await withRateHint(() => request(webhook.client));
  if (result.ok) return { ok: true, value: result.value, rateHint };
  const outcome = outcomeForDiscordError(result.error, webhook.discord, {
    token: webhook.token,
    timeoutMs: webhook.timeoutMs,
  }) as FailedOutcome;
  if (outcome.kind === 'permanent') return { ok: false, outcome, error: result.error };
  const hint = rateHint ?? rateHintOfError(result.error, webhook.discord);
  return { ok: false, outcome: hint ? { ...outcome, rateHint: hint } : outcome, error: result.error };
}

/**
 * A 429 that discord.js raised before any request (the bucket it tracks was
 * already empty) has no answer to read: its error says when the bucket resets.
 */
function rateHintOfError(error: unknown, discord: DiscordModule): RateHint | undefined {
  if (!(error instanceof discord.RateLimitError) || error.timeToReset <= 0) return undefined;
  return { remaining: 0, resetAfterMs: Math.ceil(error.timeToReset) };
}

import type { APIEmbed } from 'discord-api-types/v10';
import type { ChannelConfig, Provider, RateHint, SendContext, SendOutcome } from '../provider';
import { discordClientFor, loadDiscord, withRateHint } from './client-cache';
import { validateDiscordConfig } from './config';
import { outcomeForDiscordError } from './outcome';
import { renderDiscordEmbed, renderDiscordEmbeds } from './render';
import { parseDiscordWebhookUrl } from './webhook-url';

export { destroyDiscordClients, rateHintOf } from './client-cache';
export {
  DISCORD_EMBED_LIMITS,
  DISCORD_MAX_EMBEDS,
  discordMessageFits,
  embedTextLength,
  renderDiscordDigest,
  renderDiscordEmbed,
  renderDiscordEmbeds,
} from './render';
export { parseDiscordWebhookUrl } from './webhook-url';

/**
 * Executes the webhook with `embeds`. The outcome carries the bucket state
 * Discord reported (`rateHint`) when its answer had the headers.
 */
async function postEmbeds(embeds: APIEmbed[], config: ChannelConfig, { settings }: SendContext): Promise<SendOutcome> {
  const hook = parseDiscordWebhookUrl(config.webhook_url ?? '');
  // A stored URL that no longer passes the rules cannot be delivered to until it is replaced.
  if (!hook.ok) return { kind: 'permanent', statusCode: null, reason: hook.message, cause: 'destination' };
  const threadId = config.thread_id ?? hook.threadId;
  const discord = await loadDiscord();
  const client = discordClientFor(discord, {
    id: hook.id,
    token: hook.token,
    apiBase: settings.discordApiBase,
    timeoutMs: settings.timeoutMs,
    userAgent: settings.userAgent,
  });
  const { result, rateHint } = await withRateHint(() =>
    client.send({ embeds, allowedMentions: { parse: [] }, ...(threadId === undefined ? {} : { threadId }) }),
  );
  const outcome: SendOutcome = result.ok
    ? { kind: 'ok', statusCode: 200 }
    : outcomeForDiscordError(result.error, discord, { token: hook.token, timeoutMs: settings.timeoutMs });
  if (outcome.kind === 'permanent') return outcome;
  const hint = rateHint ?? (outcome.kind === 'retry' ? rateHintOfError(result, discord) : undefined);
  return hint ? { ...outcome, rateHint: hint } : outcome;
}

/**
 * A 429 that discord.js raised before any request (the bucket it tracks was
 * already empty) has no answer to read: its error says when the bucket resets.
 */
function rateHintOfError(
  result: { ok: true } | { ok: false; error: unknown },
  discord: Awaited<ReturnType<typeof loadDiscord>>,
): RateHint | undefined {
  if (result.ok || !(result.error instanceof discord.RateLimitError) || result.error.timeToReset <= 0) return undefined;
  return { remaining: 0, resetAfterMs: Math.ceil(result.error.timeToReset) };
}

/** Discord: embeds through discord.js's `WebhookClient`, mentions disabled; several events as one digest embed. */
export const discordProvider: Provider = {
  name: 'discord',
  configKeys: { required: ['webhook_url'], optional: ['thread_id'] },
  validateConfig: validateDiscordConfig,
  // The host is always Discord's (or the operator's WRENN_DISCORD_API_BASE).
  userTargets: () => [],
  messageStyles: ['each'],

  send({ event, config }, context) {
    return postEmbeds([renderDiscordEmbed(event)], config, context);
  },

  async sendMany({ items, config }, context) {
    const { message, carried } = renderDiscordEmbeds(items.map((item) => item.event));
    return { outcome: await postEmbeds(message, config, context), carried };
  },
};

import type { APIEmbed } from 'discord-api-types/v10';
import { chatProvider } from '../chat-provider';
import type { ChannelConfig, SendContext, SendOutcome } from '../provider';
import { sendDiscordBoard } from './board';
import { validateDiscordConfig } from './config';
import { renderDiscordEmbed, renderDiscordEmbeds } from './render';
import { openDiscordWebhook, runOnWebhook } from './webhook-call';

export { destroyDiscordClients, rateHintOf } from './client-cache';
export { DISCORD_EMBED_LIMITS, DISCORD_MAX_EMBEDS, discordMessageFits, embedTextLength } from './embed-limits';
export { renderDiscordDigest, renderDiscordEmbed, renderDiscordEmbeds } from './render';
export { renderDiscordBoard, renderDiscordBoardEmbeds } from './render-board';
export { parseDiscordWebhookUrl } from './webhook-url';

/**
 * Executes the webhook with `embeds`. The outcome carries the bucket state
 * Discord reported (`rateHint`) when its answer had the headers.
 */
async function postEmbeds(embeds: APIEmbed[], config: ChannelConfig, context: SendContext): Promise<SendOutcome> {
  const webhook = await openDiscordWebhook(config, context.settings);
  if ('failed' in webhook) return webhook.failed;
  const threadId = webhook.threadId;
  const sent = await runOnWebhook(webhook, (client) =>
    client.send({ embeds, allowedMentions: { parse: [] }, ...(threadId === undefined ? {} : { threadId }) }),
  );
  return sent.ok
    ? { kind: 'ok', statusCode: 200, ...(sent.rateHint ? { rateHint: sent.rateHint } : {}) }
    : sent.outcome;
}

/** Discord: embeds through discord.js's `WebhookClient`, mentions disabled; several events as one digest embed. */
export const discordProvider = chatProvider({
  name: 'discord',
  configKeys: { required: ['webhook_url'], optional: ['thread_id'] },
  validateConfig: validateDiscordConfig,
  // The host is always Discord's (or the operator's WRENN_DISCORD_API_BASE).
  userTargets: () => [],
  messageStyles: ['each', 'resource'],
  renderOne: (event) => [renderDiscordEmbed(event)],
  renderMany: renderDiscordEmbeds,
  post: postEmbeds,
  sendBoard: sendDiscordBoard,
});

import type { Provider } from '../provider';
import { discordClientFor, loadDiscord } from './client-cache';
import { validateDiscordConfig } from './config';
import { outcomeForDiscordError } from './outcome';
import { renderDiscordEmbed } from './render';
import { parseDiscordWebhookUrl } from './webhook-url';

export { destroyDiscordClients } from './client-cache';
export { DISCORD_EMBED_LIMITS, embedTextLength, renderDiscordEmbed } from './render';
export { parseDiscordWebhookUrl } from './webhook-url';

/** Discord: one embed per event through discord.js's `WebhookClient`, mentions disabled. */
export const discordProvider: Provider = {
  name: 'discord',
  configKeys: { required: ['webhook_url'], optional: ['thread_id'] },
  validateConfig: validateDiscordConfig,
  // The host is always Discord's (or the operator's WRENN_DISCORD_API_BASE).
  userTargets: () => [],

  async send({ event, config }, { settings }) {
    const hook = parseDiscordWebhookUrl(config.webhook_url ?? '');
    // A stored URL that no longer passes the rules cannot be delivered to until it is replaced.
    if (!hook.ok) return { kind: 'permanent', statusCode: null, reason: hook.message, cause: 'destination' };
    const threadId = config.thread_id ?? hook.threadId;
    const embed = renderDiscordEmbed(event);
    const discord = await loadDiscord();
    const client = discordClientFor(discord, {
      id: hook.id,
      token: hook.token,
      apiBase: settings.discordApiBase,
      timeoutMs: settings.timeoutMs,
      userAgent: settings.userAgent,
    });
    try {
      await client.send({
        embeds: [embed],
        allowedMentions: { parse: [] },
        ...(threadId === undefined ? {} : { threadId }),
      });
      return { kind: 'ok', statusCode: 200 };
    } catch (err) {
      return outcomeForDiscordError(err, discord, { token: hook.token, timeoutMs: settings.timeoutMs });
    }
  },
};

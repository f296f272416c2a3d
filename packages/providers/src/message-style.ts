import type { ChannelConfig, MessageStyle, ProviderName } from './provider';
import { providers } from './registry';
import { providersWithStyle } from './send-event';

/** Providers whose resource style depends on which form of config a channel has. */
const RESOURCE_FORM_NOTES: Partial<Record<ProviderName, string>> = {
  slack: 'slack with bot_token and channel_id (not webhook_url)',
};

function styleHolders(style: MessageStyle): string {
  const names = providersWithStyle(style).map((name) => RESOURCE_FORM_NOTES[name] ?? name);
  return names.length > 0 ? `channels that can: ${names.join(', ')}` : 'no provider can yet';
}

/**
 * Why a channel of `provider` with this (validated) `config` cannot use
 * `style`, as one sentence for a 400; `undefined` when it can. `resource`
 * needs a provider that can edit a message or reply in a thread, and for
 * Slack the app form (`bot_token` + `channel_id`): an incoming webhook
 * answers no message id to edit later.
 */
export function messageStyleProblem(
  provider: ProviderName,
  config: ChannelConfig,
  style: MessageStyle,
): string | undefined {
  if (style === 'each') return undefined;
  if (provider === 'slack' && config.bot_token === undefined) {
    return `message_style "${style}" needs a Slack channel with bot_token and channel_id: an incoming webhook (webhook_url) cannot edit its messages; ${styleHolders(style)}`;
  }
  if (providers[provider].messageStyles.includes(style)) return undefined;
  return `message_style "${style}" is not available for ${provider}; ${styleHolders(style)}`;
}

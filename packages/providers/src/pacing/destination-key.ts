import { createHash } from 'node:crypto';
import type { ChannelConfig, ProviderName } from '../provider';
import { PACING_RULES, type PacingRule, TELEGRAM_GROUP_WINDOW } from './pacing-rates';

/** Where a channel's messages land, for pacing: channels sharing a destination share its rate. */
export interface Destination {
  /** `<provider>:<hash>`: a digest of what identifies the destination, never a secret itself. */
  key: string;
  rule: PacingRule;
}

function urlWithoutQuery(value: string | undefined): string {
  if (!value || !URL.canParse(value)) return value ?? '';
  const url = new URL(value);
  return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
}

/** The parts naming the destination, before hashing. */
function identity(provider: ProviderName, config: ChannelConfig): string[] {
  switch (provider) {
    case 'slack':
      // The app form posts 1 message/s per conversation: its channel, in the bot's workspace (the token
      // names both bot and workspace). A webhook's path is its own secret. Only a digest leaves here.
      return config.bot_token
        ? ['app', config.bot_token, config.channel_id ?? '']
        : [urlWithoutQuery(config.webhook_url)];
    case 'discord': {
      const id = /\/webhooks\/(\d+)\//.exec(config.webhook_url ?? '')?.[1] ?? urlWithoutQuery(config.webhook_url);
      return [id, config.thread_id ?? ''];
    }
    case 'telegram':
      // The bot's numeric id (before the token's colon) and the chat.
      return [(config.bot_token ?? '').split(':')[0] ?? '', config.chat_id ?? ''];
    case 'matrix':
      return [urlWithoutQuery(config.homeserver_url), config.room_id ?? ''];
    case 'googlechat': {
      const space = /\/spaces\/([^/]+)/.exec(config.webhook_url ?? '')?.[1];
      return [space ?? urlWithoutQuery(config.webhook_url)];
    }
    case 'teams':
      return [urlWithoutQuery(config.webhook_url)];
    case 'webhook':
      return [config.url ?? ''];
  }
}

/**
 * The pacing destination of a channel's config and the rule it is paced by.
 * `rules` replaces the published rates (tests, operators with a negotiated rate).
 */
export function destinationOf(
  provider: ProviderName,
  config: ChannelConfig,
  rules: Readonly<Record<ProviderName, PacingRule>> = PACING_RULES,
): Destination {
  const digest = createHash('sha256').update(identity(provider, config).join('\n')).digest('hex').slice(0, 32);
  let rule = rules[provider];
  if (provider === 'telegram' && (config.chat_id ?? '').startsWith('-') && rules === PACING_RULES) {
    rule = { ...rule, windows: [...rule.windows, TELEGRAM_GROUP_WINDOW] };
  }
  return { key: `${provider}:${digest}`, rule };
}

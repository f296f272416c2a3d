import type { ChannelConfig, ConfigCheck, Provider, ProviderSettings } from './provider';

/** A provider's reading of a webhook URL: the URL to store, normalised, or why it is refused. */
type WebhookUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** The settings whose API base, when the operator sets one, replaces the origin of a provider's webhook URLs. */
type ApiBaseSetting = 'slackApiBase' | 'teamsApiBase' | 'googleChatApiBase';

/** Checks `webhook_url` with the provider's parser and keeps the URL as the parser normalised it. */
export function validateWebhookUrl(parse: (raw: string) => WebhookUrlCheck): (config: ChannelConfig) => ConfigCheck {
  return (config) => {
    const hook = parse(config.webhook_url ?? '');
    return hook.ok ? { ok: true, config: { webhook_url: hook.url } } : hook;
  };
}

/**
 * The webhook URL is checked like any user URL, official host or not, unless
 * the operator's API base replaces its origin: then only that base is reached.
 */
export function webhookUrlTargets(apiBase: ApiBaseSetting): Provider['userTargets'] {
  return (config: ChannelConfig, settings: ProviderSettings) =>
    settings[apiBase] === undefined && config.webhook_url ? [config.webhook_url] : [];
}

/** The config rules of a provider configured by one webhook URL and nothing else. */
export function webhookUrlConfig(
  parse: (raw: string) => WebhookUrlCheck,
  apiBase: ApiBaseSetting,
): Pick<Provider, 'configKeys' | 'validateConfig' | 'userTargets'> {
  return {
    configKeys: { required: ['webhook_url'], optional: [] },
    validateConfig: validateWebhookUrl(parse),
    userTargets: webhookUrlTargets(apiBase),
  };
}

import { postJson } from '../outbound/post-json';
import { rebaseUrl } from '../outbound/rebase-url';
import type { ChannelConfig, ConfigCheck, Provider } from '../provider';
import { renderTeamsMessage } from './render';
import { parseTeamsWebhookUrl } from './webhook-url';

export { renderTeamsMessage, stripTextBlockMarkdown, TEAMS_MAX_BODY_BYTES, type TeamsMessage } from './render';
export { parseTeamsWebhookUrl, RETIRED_CONNECTOR_MESSAGE } from './webhook-url';

function validateTeamsConfig(config: ChannelConfig): ConfigCheck {
  const hook = parseTeamsWebhookUrl(config.webhook_url ?? '');
  return hook.ok ? { ok: true, config: { webhook_url: hook.url } } : hook;
}

/** Microsoft Teams: an Adaptive Card posted to a Workflows ("webhook request received") trigger. */
export const teamsProvider: Provider = {
  name: 'teams',
  configKeys: { required: ['webhook_url'], optional: [] },
  validateConfig: validateTeamsConfig,
  // Only Microsoft's Workflows hosts are accepted (or the operator's Teams API base).
  userTargets: () => [],

  async send({ event, config }, context) {
    const hook = parseTeamsWebhookUrl(config.webhook_url ?? '');
    if (!hook.ok) return { kind: 'permanent', statusCode: null, reason: hook.message };
    return postJson(
      {
        label: 'Teams',
        url: rebaseUrl(hook.url, context.settings.teamsApiBase),
        body: JSON.stringify(renderTeamsMessage(event)),
        secrets: [hook.sig],
      },
      context,
    );
  },
};

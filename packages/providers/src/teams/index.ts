import { postJson } from '../outbound/post-json';
import { rebaseUrl } from '../outbound/rebase-url';
import type { ChannelConfig, ConfigCheck, Provider, SendContext, SendOutcome } from '../provider';
import { renderTeamsMessage, renderTeamsMessages, type TeamsMessage } from './render';
import { parseTeamsWebhookUrl } from './webhook-url';

export {
  renderTeamsDigest,
  renderTeamsMessage,
  renderTeamsMessages,
  stripTextBlockMarkdown,
  TEAMS_MAX_BODY_BYTES,
  type TeamsMessage,
  teamsMessageFits,
} from './render';
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
  // Microsoft's Workflows hosts are checked like any user URL unless the operator's Teams API base replaces them.
  userTargets: (config, settings) =>
    settings.teamsApiBase === undefined && config.webhook_url ? [config.webhook_url] : [],
  // Teams Workflows answer 202 with no message id: nothing to edit.
  messageStyles: ['each'],

  send({ event, config }, context) {
    return post(renderTeamsMessage(event), config, context);
  },

  async sendMany({ items, config }, context) {
    const { message, carried } = renderTeamsMessages(items.map((item) => item.event));
    return { outcome: await post(message, config, context), carried };
  },
};

async function post(message: TeamsMessage, config: ChannelConfig, context: SendContext): Promise<SendOutcome> {
  const hook = parseTeamsWebhookUrl(config.webhook_url ?? '');
  // A stored URL that no longer passes the rules cannot be delivered to until it is replaced.
  if (!hook.ok) return { kind: 'permanent', statusCode: null, reason: hook.message, cause: 'destination' };
  return postJson(
    {
      label: 'Teams',
      url: rebaseUrl(hook.url, context.settings.teamsApiBase),
      body: JSON.stringify(message),
      secrets: [hook.sig],
      guarded: context.settings.teamsApiBase === undefined,
    },
    context,
  );
}

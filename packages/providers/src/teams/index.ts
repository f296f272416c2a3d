import { chatProvider } from '../chat-provider';
import { postJson } from '../outbound/post-json';
import { rebaseUrl } from '../outbound/rebase-url';
import type { ChannelConfig, SendContext, SendOutcome } from '../provider';
import { webhookUrlConfig } from '../webhook-url-config';
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

/** Microsoft Teams: an Adaptive Card posted to a Workflows ("webhook request received") trigger. */
export const teamsProvider = chatProvider({
  name: 'teams',
  ...webhookUrlConfig(parseTeamsWebhookUrl, 'teamsApiBase'),
  // Teams Workflows answer 202 with no message id: nothing to edit.
  messageStyles: ['each'],
  renderOne: renderTeamsMessage,
  renderMany: renderTeamsMessages,
  post,
});

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

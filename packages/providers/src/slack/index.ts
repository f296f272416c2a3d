import type { ChannelConfig, ConfigCheck, Provider, SendContext, SendOutcome } from '../provider';
import { renderSlackMessage, renderSlackMessages, type SlackMessage } from './render';
import { postSlackMessage } from './send';
import { parseSlackWebhookUrl } from './webhook-url';

export {
  renderSlackDigest,
  renderSlackMessage,
  renderSlackMessages,
  SLACK_LIMITS,
  type SlackMessage,
  slackMessageFits,
} from './render';
export { parseSlackWebhookUrl } from './webhook-url';

function validateSlackConfig(config: ChannelConfig): ConfigCheck {
  const hook = parseSlackWebhookUrl(config.webhook_url ?? '');
  return hook.ok ? { ok: true, config: { webhook_url: hook.url } } : hook;
}

/** Slack: a Block Kit message through an incoming webhook (@slack/webhook). */
export const slackProvider: Provider = {
  name: 'slack',
  configKeys: { required: ['webhook_url'], optional: [] },
  validateConfig: validateSlackConfig,
  // hooks.slack.com is checked like any user URL unless the operator's Slack API base replaces it.
  userTargets: (config, settings) =>
    settings.slackApiBase === undefined && config.webhook_url ? [config.webhook_url] : [],
  messageStyles: ['each'],

  send({ event, config }, context) {
    return post(renderSlackMessage(event), config, context);
  },

  async sendMany({ items, config }, context) {
    const { message, carried } = renderSlackMessages(items.map((item) => item.event));
    return { outcome: await post(message, config, context), carried };
  },
};

async function post(message: SlackMessage, config: ChannelConfig, context: SendContext): Promise<SendOutcome> {
  const hook = parseSlackWebhookUrl(config.webhook_url ?? '');
  // A stored URL that no longer passes the rules cannot be delivered to until it is replaced.
  if (!hook.ok) return { kind: 'permanent', statusCode: null, reason: hook.message, cause: 'destination' };
  return postSlackMessage(message, hook, context);
}

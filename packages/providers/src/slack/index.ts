import type { ChannelConfig, ConfigCheck, Provider } from '../provider';
import { renderSlackMessage } from './render';
import { postSlackMessage } from './send';
import { parseSlackWebhookUrl } from './webhook-url';

export { renderSlackMessage, SLACK_LIMITS, type SlackMessage } from './render';
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
  // Always hooks.slack.com (or the operator's Slack API base).
  userTargets: () => [],

  async send({ event, config }, { settings }) {
    const hook = parseSlackWebhookUrl(config.webhook_url ?? '');
    if (!hook.ok) return { kind: 'permanent', statusCode: null, reason: hook.message };
    return postSlackMessage(renderSlackMessage(event), hook, settings);
  },
};

import { chatProvider } from '../chat-provider';
import type {
  BoardOutcome,
  ChannelConfig,
  ConfigCheck,
  DestinationCheck,
  MessageRef,
  SendContext,
  SendOutcome,
} from '../provider';
import { validateWebhookUrl, webhookUrlTargets } from '../webhook-url-config';
import { parseSlackApp, type SlackApp } from './app-config';
import { renderSlackBoard } from './board';
import { renderSlackMessage, renderSlackMessages, type SlackMessage } from './render';
import { postSlackMessage } from './send';
import { callSlack, SLACK_REPOST_ERRORS } from './web-api';
import { parseSlackWebhookUrl } from './webhook-url';

export { parseSlackApp, type SlackApp } from './app-config';
export { SLACK_LIMITS, slackMessageFits } from './block-kit-limits';
export { renderSlackBoard } from './board';
export { renderSlackDigest, renderSlackMessage, renderSlackMessages, type SlackMessage } from './render';
export { callSlack, SLACK_REPOST_ERRORS, slackApiCause, slackApiUrl } from './web-api';
export { parseSlackWebhookUrl } from './webhook-url';

/** Which of its two forms a Slack config is in; the caller has checked that exactly one is complete. */
function isAppForm(config: ChannelConfig): boolean {
  return config.bot_token !== undefined;
}

const validateSlackWebhook = validateWebhookUrl(parseSlackWebhookUrl);

function validateSlackConfig(config: ChannelConfig): ConfigCheck {
  if (!isAppForm(config)) return validateSlackWebhook(config);
  const app = parseSlackApp(config);
  return app.ok ? { ok: true, config: { bot_token: app.botToken, channel_id: app.channelId } } : app;
}

/**
 * Slack, in either of its forms: an incoming webhook (`webhook_url`, through
 * @slack/webhook), or a Slack app's bot (`bot_token` + `channel_id`, through
 * @slack/web-api), which can also keep one message per resource up to date.
 */
export const slackProvider = chatProvider({
  name: 'slack',
  configKeys: { required: [], optional: [], oneOf: [['webhook_url'], ['bot_token', 'channel_id']] },
  validateConfig: validateSlackConfig,
  // The app form has no user URL: it only reaches Slack's own Web API (or the operator's base).
  userTargets: webhookUrlTargets('slackApiBase'),
  messageStyles: ['each', 'resource'],
  renderOne: renderSlackMessage,
  renderMany: renderSlackMessages,
  post,

  async sendBoard({ config, resources, previous }, context) {
    if (!isAppForm(config)) {
      return {
        kind: 'permanent',
        statusCode: null,
        reason: 'a Slack incoming webhook cannot edit its messages: resource style needs bot_token and channel_id',
        cause: 'other',
      };
    }
    const app = parseSlackApp(config);
    if (!app.ok) return { kind: 'permanent', statusCode: null, reason: app.message, cause: 'destination' };
    const message = renderSlackBoard(resources);
    // A message in another channel (the config now names a different one) is left as it is.
    if (previous?.ts && previous.channel === app.channelId) {
      const edited = await callSlack<{ channel?: string; ts?: string }>(
        app,
        'chat.update',
        { channel: app.channelId, ts: previous.ts, text: message.text, blocks: message.blocks },
        context,
      );
      if (edited.ok) return { kind: 'ok', statusCode: 200, message: { channel: app.channelId, ts: previous.ts } };
      if (edited.error === undefined || !SLACK_REPOST_ERRORS.has(edited.error)) return edited.outcome;
    }
    return postBoard(app, message, context);
  },

  checkDestination: checkSlackDestination,
});

/** Posts a message through the webhook or the app, whichever form the config is in. */
async function post(message: SlackMessage, config: ChannelConfig, context: SendContext): Promise<SendOutcome> {
  if (isAppForm(config)) {
    const app = parseSlackApp(config);
    if (!app.ok) return { kind: 'permanent', statusCode: null, reason: app.message, cause: 'destination' };
    const posted = await postAppMessage(app, message, context);
    return posted.ok ? { kind: 'ok', statusCode: 200 } : posted.outcome;
  }
  const hook = parseSlackWebhookUrl(config.webhook_url ?? '');
  // A stored URL that no longer passes the rules cannot be delivered to until it is replaced.
  if (!hook.ok) return { kind: 'permanent', statusCode: null, reason: hook.message, cause: 'destination' };
  return postSlackMessage(message, hook, context);
}

function postAppMessage(app: SlackApp, message: SlackMessage, context: SendContext) {
  return callSlack<{ channel?: string; ts?: string }>(
    app,
    'chat.postMessage',
    {
      channel: app.channelId,
      text: message.text,
      blocks: message.blocks,
      ...(message.attachments.length > 0 ? { attachments: message.attachments } : {}),
      unfurl_links: false,
      unfurl_media: false,
    },
    context,
  );
}

async function postBoard(app: SlackApp, message: SlackMessage, context: SendContext): Promise<BoardOutcome> {
  const posted = await postAppMessage(app, message, context);
  if (!posted.ok) return posted.outcome;
  const { ts, channel } = posted.result;
  if (typeof ts !== 'string' || ts === '') {
    // Posted, but with nothing to edit later: the next event posts anew rather than retrying a duplicate now.
    return { kind: 'ok', statusCode: 200, message: {} };
  }
  const ref: MessageRef = { channel: typeof channel === 'string' && channel ? channel : app.channelId, ts };
  return { kind: 'ok', statusCode: 200, message: ref };
}

/**
 * The app form's destination, checked before a channel is stored or tested:
 * `auth.test` (the token works), then `conversations.info` (the channel
 * exists for the bot, is not archived, and the bot is a member). A token
 * without the scope to read the channel (`missing_scope`) cannot show
 * membership; it is let through, and the first message tells.
 */
async function checkSlackDestination(config: ChannelConfig, context: SendContext): Promise<DestinationCheck> {
  if (!isAppForm(config)) return { ok: true };
  const app = parseSlackApp(config);
  if (!app.ok) return { ok: false, kind: 'invalid', message: app.message };
  const unreachable = (reason: string): DestinationCheck => ({
    ok: false,
    kind: 'unreachable',
    message: `Slack could not be asked about the bot token and channel (${reason}); try again shortly`,
  });

  const auth = await callSlack<{ team?: string }>(app, 'auth.test', {}, context);
  if (!auth.ok) {
    if (auth.outcome.kind === 'retry') return unreachable(auth.outcome.reason);
    return {
      ok: false,
      kind: 'invalid',
      message: `bot_token was refused by Slack (${auth.error ?? auth.outcome.reason}); copy the Bot User OAuth Token again`,
    };
  }

  const info = await callSlack<{ channel?: { is_member?: boolean; is_archived?: boolean } }>(
    app,
    'conversations.info',
    { channel: app.channelId },
    context,
  );
  if (!info.ok) {
    if (info.outcome.kind === 'retry') return unreachable(info.outcome.reason);
    if (info.error === 'missing_scope') return { ok: true };
    if (info.error === 'channel_not_found') {
      return {
        ok: false,
        kind: 'invalid',
        message: `channel_id ${app.channelId} was not found by the bot: check the ID, and invite the app to a private channel (/invite @your-app)`,
      };
    }
    return {
      ok: false,
      kind: 'invalid',
      message: `Slack refused to show channel ${app.channelId} (${info.error ?? info.outcome.reason})`,
    };
  }
  const channel = info.result.channel;
  if (channel?.is_archived) {
    return { ok: false, kind: 'invalid', message: `channel_id ${app.channelId} is an archived channel` };
  }
  if (channel?.is_member === false) {
    return {
      ok: false,
      kind: 'invalid',
      message: `the bot is not a member of channel ${app.channelId}: invite the app there first (/invite @your-app)`,
    };
  }
  return { ok: true };
}

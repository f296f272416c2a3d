import { postJson } from '../outbound/post-json';
import { rebaseUrl } from '../outbound/rebase-url';
import type { ChannelConfig, ConfigCheck, Provider, SendContext, SendOutcome } from '../provider';
import { type GoogleChatMessage, renderGoogleChatMessage, renderGoogleChatMessages } from './render';
import { parseGoogleChatWebhookUrl } from './webhook-url';

export {
  GOOGLE_CHAT_MAX_BYTES,
  GOOGLE_CHAT_MAX_WIDGETS,
  type GoogleChatMessage,
  googleChatMessageFits,
  renderGoogleChatDigest,
  renderGoogleChatMessage,
  renderGoogleChatMessages,
  threadKeyFor,
} from './render';
export { parseGoogleChatWebhookUrl } from './webhook-url';

function validateGoogleChatConfig(config: ChannelConfig): ConfigCheck {
  const hook = parseGoogleChatWebhookUrl(config.webhook_url ?? '');
  return hook.ok ? { ok: true, config: { webhook_url: hook.url } } : hook;
}

/** Google Chat: a cardsV2 message through a space's incoming webhook, one thread per resource. */
export const googleChatProvider: Provider = {
  name: 'googlechat',
  configKeys: { required: ['webhook_url'], optional: [] },
  validateConfig: validateGoogleChatConfig,
  // chat.googleapis.com is checked like any user URL unless the operator's Google Chat API base replaces it.
  userTargets: (config, settings) =>
    settings.googleChatApiBase === undefined && config.webhook_url ? [config.webhook_url] : [],
  messageStyles: ['each'],

  send({ event, config }, context) {
    return post(renderGoogleChatMessage(event), config, context);
  },

  async sendMany({ items, config }, context) {
    const { message, carried } = renderGoogleChatMessages(items.map((item) => item.event));
    return { outcome: await post(message, config, context), carried };
  },
};

async function post(message: GoogleChatMessage, config: ChannelConfig, context: SendContext): Promise<SendOutcome> {
  const hook = parseGoogleChatWebhookUrl(config.webhook_url ?? '');
  // A stored URL that no longer passes the rules cannot be delivered to until it is replaced.
  if (!hook.ok) return { kind: 'permanent', statusCode: null, reason: hook.message, cause: 'destination' };
  const url = new URL(rebaseUrl(hook.url, context.settings.googleChatApiBase));
  // Joins the resource's thread, or starts it when it does not exist yet.
  url.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return postJson(
    {
      label: 'Google Chat',
      url: url.toString(),
      body: JSON.stringify(message),
      secrets: [hook.key, hook.token, encodeURIComponent(hook.token)],
      guarded: context.settings.googleChatApiBase === undefined,
    },
    context,
  );
}

import type { ChannelConfig, ConfigCheck, Provider } from '../provider';
import { sendGoogleChatBoard } from './board';
import { postToSpace } from './post-message';
import { renderGoogleChatMessage, renderGoogleChatMessages } from './render';
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
export { renderGoogleChatBoard } from './render-board';
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
  messageStyles: ['each', 'resource'],

  send({ event, config }, context) {
    return postToSpace(renderGoogleChatMessage(event), config, context);
  },

  async sendMany({ items, config }, context) {
    const { message, carried } = renderGoogleChatMessages(items.map((item) => item.event));
    return { outcome: await postToSpace(message, config, context), carried };
  },

  sendBoard: sendGoogleChatBoard,
};

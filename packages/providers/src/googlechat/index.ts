import { chatProvider } from '../chat-provider';
import { webhookUrlConfig } from '../webhook-url-config';
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

/** Google Chat: a cardsV2 message through a space's incoming webhook, one thread per resource. */
export const googleChatProvider = chatProvider({
  name: 'googlechat',
  ...webhookUrlConfig(parseGoogleChatWebhookUrl, 'googleChatApiBase'),
  messageStyles: ['each', 'resource'],
  renderOne: renderGoogleChatMessage,
  renderMany: renderGoogleChatMessages,
  post: postToSpace,
  sendBoard: sendGoogleChatBoard,
});

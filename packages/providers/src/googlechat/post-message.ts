import { postJson } from '../outbound/post-json';
import { rebaseUrl } from '../outbound/rebase-url';
import type { ChannelConfig, SendContext, SendOutcome } from '../provider';
import type { GoogleChatMessage } from './render';
import { parseGoogleChatWebhookUrl } from './webhook-url';

/**
 * Posts a message through the space's webhook. A message with a
 * `thread.threadKey` joins that thread, or starts it when it does not exist
 * yet (`REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`); the URL's own key and token stay.
 */
export async function postToSpace(
  message: GoogleChatMessage,
  config: ChannelConfig,
  context: SendContext,
): Promise<SendOutcome> {
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

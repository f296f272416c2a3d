import type { ChannelConfig, ConfigCheck } from '../provider';
import { isDiscordThreadId, parseDiscordWebhookUrl } from './webhook-url';

/**
 * Checks a Discord config and normalises it: the webhook URL without version
 * or query, and a `thread_id` pasted inside the URL moved to its own key.
 */
export function validateDiscordConfig(config: ChannelConfig): ConfigCheck {
  const hook = parseDiscordWebhookUrl(config.webhook_url ?? '');
  if (!hook.ok) return hook;
  const threadId = config.thread_id ?? hook.threadId;
  if (threadId !== undefined && !isDiscordThreadId(threadId)) {
    return { ok: false, message: "thread_id must be the id of a thread in the webhook's channel (17 to 20 digits)" };
  }
  const url = new URL(config.webhook_url ?? '');
  const normalised: ChannelConfig = {
    webhook_url: `${url.protocol}//${url.host.toLowerCase()}/api/webhooks/${hook.id}/${hook.token}`,
  };
  if (threadId !== undefined) normalised.thread_id = threadId;
  return { ok: true, config: normalised };
}

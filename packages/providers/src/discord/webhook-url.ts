import { parseCredentialUrl } from '../credential-url';

/** Hosts Discord serves webhooks on, including the legacy domain and the test clients. */
const DISCORD_HOSTS = new Set([
  'discord.com',
  'ptb.discord.com',
  'canary.discord.com',
  'discordapp.com',
  'ptb.discordapp.com',
  'canary.discordapp.com',
]);

const WEBHOOK_PATH = /^\/api(?:\/v\d{1,2})?\/webhooks\/([^/]+)\/([^/]+)\/?$/;
const WEBHOOK_ID = /^\d{17,20}$/;
// Real tokens are 68 characters: a shorter one is a truncated paste, refused before it fails every delivery.
const WEBHOOK_TOKEN = /^[A-Za-z0-9_-]{60,100}$/;
const THREAD_ID = /^\d{17,20}$/;

const EXAMPLE =
  'https://discord.com/api/webhooks/{id}/{token} (Server Settings → Integrations → Webhooks → Copy Webhook URL)';

/** A Discord webhook's credentials as discord.js's `WebhookClient({ id, token })` takes them. */
export interface DiscordWebhook {
  id: string;
  token: string;
  /** From a `?thread_id=` pasted along with the URL. */
  threadId?: string;
}

export type DiscordWebhookCheck = ({ ok: true } & DiscordWebhook) | { ok: false; message: string };

/**
 * Parses a Discord webhook URL. The `{url}` form of discord.js rejects
 * discordapp.com and loopback URLs, so the id and token are extracted here.
 * Messages never repeat the token.
 */
export function parseDiscordWebhookUrl(raw: string): DiscordWebhookCheck {
  const checked = parseCredentialUrl(raw, `; expected ${EXAMPLE}`);
  if (!checked.ok) return checked;
  const { url, host } = checked;
  if (!DISCORD_HOSTS.has(host)) {
    return {
      ok: false,
      message: `webhook_url must be on discord.com (or discordapp.com, ptb.discord.com, canary.discord.com), not ${host}`,
    };
  }
  const match = WEBHOOK_PATH.exec(url.pathname);
  if (!match) {
    return { ok: false, message: `webhook_url is not a webhook URL; expected ${EXAMPLE}` };
  }
  const [, id = '', token = ''] = match;
  if (!WEBHOOK_ID.test(id)) {
    return {
      ok: false,
      message: 'webhook_url has an invalid webhook id: it must be 17 to 20 digits; copy the URL again',
    };
  }
  if (!WEBHOOK_TOKEN.test(token)) {
    return {
      ok: false,
      message:
        'webhook_url has an invalid token: it must be 60 to 100 letters, digits, "-" or "_" (a real one has 68); copy the whole URL again',
    };
  }
  const threadId = url.searchParams.get('thread_id') ?? undefined;
  if (threadId !== undefined && !THREAD_ID.test(threadId)) {
    return { ok: false, message: 'the thread_id in webhook_url must be a thread id (17 to 20 digits)' };
  }
  return threadId === undefined ? { ok: true, id, token } : { ok: true, id, token, threadId };
}

/** A `thread_id` config value: the snowflake id of a thread in the webhook's channel. */
export function isDiscordThreadId(value: string): boolean {
  return THREAD_ID.test(value);
}

import { parseCredentialUrl } from '../credential-url';

const CHAT_HOST = 'chat.googleapis.com';
const MESSAGES_PATH = /^\/v1\/spaces\/([A-Za-z0-9_-]+)\/messages\/?$/;

const HOW_TO = 'In Google Chat, open the space → Apps & integrations → Webhooks → Add webhook, then copy its URL';
const EXAMPLE = 'https://chat.googleapis.com/v1/spaces/{space}/messages?key=…&token=…';

export interface GoogleChatWebhook {
  /** Normalised: only `key` and `token` in the query. */
  url: string;
  space: string;
  key: string;
  token: string;
}

export type GoogleChatWebhookCheck = ({ ok: true } & GoogleChatWebhook) | { ok: false; message: string };

/**
 * Checks a Google Chat incoming-webhook URL. `key` and `token` are its
 * credentials: returned for redaction, never repeated in a message.
 */
export function parseGoogleChatWebhookUrl(raw: string): GoogleChatWebhookCheck {
  const checked = parseCredentialUrl(raw, `; expected ${EXAMPLE}`, `; expected ${EXAMPLE}. ${HOW_TO}.`);
  if (!checked.ok) return checked;
  const { url, host } = checked;
  if (host !== CHAT_HOST)
    return { ok: false, message: `webhook_url must be on chat.googleapis.com, not ${host}. ${HOW_TO}.` };
  const match = MESSAGES_PATH.exec(url.pathname);
  if (!match) return { ok: false, message: `webhook_url is not a space webhook URL; expected ${EXAMPLE}` };
  const space = match[1] ?? '';
  const key = url.searchParams.get('key') ?? '';
  const token = url.searchParams.get('token') ?? '';
  if (key === '' || token === '') {
    return {
      ok: false,
      message: `webhook_url must include both its key and token parameters; copy the whole URL. ${HOW_TO}.`,
    };
  }
  const normalised = `${url.protocol}//${CHAT_HOST}/v1/spaces/${space}/messages?key=${encodeURIComponent(key)}&token=${encodeURIComponent(token)}`;
  return { ok: true, url: normalised, space, key, token };
}

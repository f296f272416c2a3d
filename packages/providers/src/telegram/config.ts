import type { ChannelConfig, ConfigCheck } from '../provider';

const BOT_TOKEN = /^\d+:[A-Za-z0-9_-]{35}$/;
/** A numeric chat id (negative for groups, `-100…` for supergroups and channels) or a public `@username`. */
const NUMERIC_CHAT_ID = /^-?[1-9]\d{0,18}$/;
const CHANNEL_USERNAME = /^@[A-Za-z][A-Za-z0-9_]{3,31}$/;
const THREAD_ID = /^[1-9]\d{0,18}$/;

/** Checks a Telegram config's shapes; nothing is sent. */
export function validateTelegramConfig(config: ChannelConfig): ConfigCheck {
  const token = config.bot_token ?? '';
  const chatId = config.chat_id ?? '';
  // Never echo the token: the message is shown to users and may be logged.
  if (!BOT_TOKEN.test(token))
    return { ok: false, message: 'config.bot_token is not a Telegram bot token (<digits>:<35 characters>)' };
  const numeric = NUMERIC_CHAT_ID.test(chatId);
  if (!numeric && !CHANNEL_USERNAME.test(chatId)) {
    return {
      ok: false,
      message: 'config.chat_id must be a numeric chat id (e.g. -1001234567890) or a channel @username',
    };
  }
  if (numeric && !Number.isSafeInteger(Number(chatId))) return { ok: false, message: 'config.chat_id is out of range' };
  const out: ChannelConfig = { bot_token: token, chat_id: chatId };
  const thread = config.message_thread_id;
  if (thread !== undefined) {
    if (!THREAD_ID.test(thread) || !Number.isSafeInteger(Number(thread))) {
      return { ok: false, message: 'config.message_thread_id must be a positive integer' };
    }
    out.message_thread_id = thread;
  }
  return { ok: true, config: out };
}

/** The JSON value Telegram expects for a stored chat id: numbers as numbers, `@username` as text. */
export function chatIdValue(chatId: string): number | string {
  return NUMERIC_CHAT_ID.test(chatId) ? Number(chatId) : chatId;
}

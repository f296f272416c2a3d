import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import type { ChannelConfig, Provider, SendContext, SendOutcome } from '../provider';
import { classifyTelegramResponse, type TelegramResult } from './classify';
import { chatIdValue, validateTelegramConfig } from './config';
import { renderTelegramMessage, renderTelegramMessages, type TelegramMessage } from './render';

async function sendMessage(
  botToken: string,
  message: TelegramMessage,
  { settings, http }: SendContext,
): Promise<TelegramResult> {
  const url = `${settings.telegramApiBase.replace(/\/+$/, '')}/bot${botToken}/sendMessage`;
  try {
    const response = await http.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': settings.userAgent },
      body: JSON.stringify(message),
      timeoutMs: settings.timeoutMs,
      // The Bot API base is operator configuration, not a user-supplied URL.
      guarded: false,
    });
    return classifyTelegramResponse(response, botToken);
  } catch (err) {
    const outcome = outcomeForError(err, settings.timeoutMs);
    return { ...outcome, reason: redactKnown(outcome.reason, [botToken]) };
  }
}

/** Telegram Bot API `sendMessage` with `parse_mode: HTML`. */
export const telegramProvider: Provider = {
  name: 'telegram',
  configKeys: { required: ['bot_token', 'chat_id'], optional: ['message_thread_id'] },
  validateConfig: validateTelegramConfig,
  // The Bot API base is operator configuration; the user supplies no URL.
  userTargets: () => [],
  messageStyles: ['each'],

  async send({ event, config }, context): Promise<SendOutcome> {
    return deliver(renderTelegramMessage(event, targetOf(config)), config, context);
  },

  async sendMany({ items, config }, context) {
    const { message, carried } = renderTelegramMessages(
      items.map((item) => item.event),
      targetOf(config),
    );
    return { outcome: await deliver(message, config, context), carried };
  },
};

function targetOf(config: ChannelConfig) {
  const thread = config.message_thread_id;
  return {
    chatId: chatIdValue(config.chat_id ?? ''),
    messageThreadId: thread === undefined ? undefined : Number(thread),
  };
}

/** Sends a rendered message, following a group's upgrade to a supergroup once. */
async function deliver(message: TelegramMessage, config: ChannelConfig, context: SendContext): Promise<SendOutcome> {
  const botToken = config.bot_token ?? '';
  const first = await sendMessage(botToken, message, context);
  if (first.kind !== 'migrate') return first;

  // The group was upgraded to a supergroup: resend once to its new id and
  // hand the new id back so the stored config follows the chat.
  const second = await sendMessage(botToken, { ...message, chat_id: first.chatId }, context);
  if (second.kind === 'ok') return { ...second, configUpdate: { ...config, chat_id: String(first.chatId) } };
  if (second.kind === 'migrate') {
    return {
      kind: 'permanent',
      statusCode: 400,
      reason: 'Telegram 400: the chat migrated twice in a row',
      cause: 'other',
    };
  }
  return second;
}

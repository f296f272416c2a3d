import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import { jsonObject } from '../outbound/json-object';
import type { BoardOutcome, ChannelConfig, MessageRef, Provider, SendContext, SendOutcome } from '../provider';
import { renderTelegramBoard, type TelegramBoardMessage } from './board';
import { classifyTelegramResponse, type TelegramResult } from './classify';
import { chatIdValue, validateTelegramConfig } from './config';
import { renderTelegramMessage, renderTelegramMessages, type TelegramMessage } from './render';

/** A Bot API call's classified result and, on success, the id of the message it posted or edited. */
interface BotApiCall {
  result: TelegramResult;
  messageId: number | undefined;
}

async function callBotApi(
  method: 'sendMessage' | 'editMessageText',
  botToken: string,
  body: object,
  { settings, http }: SendContext,
): Promise<BotApiCall> {
  const url = `${settings.telegramApiBase.replace(/\/+$/, '')}/bot${botToken}/${method}`;
  try {
    const response = await http.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': settings.userAgent },
      body: JSON.stringify(body),
      timeoutMs: settings.timeoutMs,
      // The Bot API base is operator configuration, not a user-supplied URL.
      guarded: false,
    });
    const result = classifyTelegramResponse(response, botToken);
    const id = jsonObject<{ result?: { message_id?: unknown } }>(response.body).result?.message_id;
    return { result, messageId: typeof id === 'number' && Number.isSafeInteger(id) ? id : undefined };
  } catch (err) {
    const outcome = outcomeForError(err, settings.timeoutMs);
    return { result: { ...outcome, reason: redactKnown(outcome.reason, [botToken]) }, messageId: undefined };
  }
}

async function sendMessage(botToken: string, message: object, context: SendContext): Promise<TelegramResult> {
  return (await callBotApi('sendMessage', botToken, message, context)).result;
}

/**
 * Telegram Bot API `sendMessage` with `parse_mode: HTML`; resource style posts
 * a board with `sendMessage` and keeps it up to date with `editMessageText`.
 */
export const telegramProvider: Provider = {
  name: 'telegram',
  configKeys: { required: ['bot_token', 'chat_id'], optional: ['message_thread_id'] },
  validateConfig: validateTelegramConfig,
  // The Bot API base is operator configuration; the user supplies no URL.
  userTargets: () => [],
  messageStyles: ['each', 'resource'],

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

  async sendBoard({ resources, config, previous }, context): Promise<BoardOutcome> {
    const message = renderTelegramBoard(resources, targetOf(config));
    if (previous && previous.chat_id === String(message.chat_id) && previous.message_id) {
      const edited = await editBoard(message, previous, config, context);
      if (edited !== 'post anew') return edited;
    }
    return postBoard(message, config, context);
  },
};

/** An edit of a message that is gone or can no longer be edited: the board is posted anew. */
const EDIT_REFUSED = /message to edit not found|message can't be edited|message can not be edited|MESSAGE_ID_INVALID/i;
/** The message already shows exactly this: nothing to do, and a success. */
const NOT_MODIFIED = /message is not modified/i;

/** `editMessageText` on the board's message; `post anew` when Telegram refuses to edit it. */
async function editBoard(
  message: TelegramBoardMessage,
  previous: MessageRef,
  config: ChannelConfig,
  context: SendContext,
): Promise<BoardOutcome | 'post anew'> {
  const { message_thread_id: _thread, ...fields } = message;
  const body = { ...fields, chat_id: message.chat_id, message_id: Number(previous.message_id) };
  const { result } = await callBotApi('editMessageText', config.bot_token ?? '', body, context);
  const ref = { chat_id: String(message.chat_id), message_id: String(previous.message_id) };
  if (result.kind === 'ok') return { ...result, message: ref };
  // A group that became a supergroup: its messages live on under the new id; post there.
  if (result.kind === 'migrate') return 'post anew';
  if (result.kind === 'permanent' && NOT_MODIFIED.test(result.reason)) {
    return { kind: 'ok', statusCode: result.statusCode, message: ref };
  }
  if (result.kind === 'permanent' && EDIT_REFUSED.test(result.reason)) return 'post anew';
  return result;
}

/** `sendMessage` with the board, following a group's upgrade once; on success the new message's reference. */
async function postBoard(
  message: TelegramBoardMessage,
  config: ChannelConfig,
  context: SendContext,
): Promise<BoardOutcome> {
  const botToken = config.bot_token ?? '';
  const first = await callBotApi('sendMessage', botToken, message, context);
  if (first.result.kind !== 'migrate') return withRef(first, message.chat_id);
  const second = await callBotApi('sendMessage', botToken, { ...message, chat_id: first.result.chatId }, context);
  if (second.result.kind === 'ok') {
    const outcome = withRef(second, first.result.chatId);
    return outcome.kind === 'ok'
      ? { ...outcome, configUpdate: { ...config, chat_id: String(first.result.chatId) } }
      : outcome;
  }
  if (second.result.kind === 'migrate') return migratedTwice();
  return second.result;
}

function withRef(call: BotApiCall, chatId: number | string): BoardOutcome {
  const { result, messageId } = call;
  if (result.kind === 'migrate') return migratedTwice();
  if (result.kind !== 'ok') return result;
  // Sent, but the answer names no message: nothing to edit later, and nothing to resend.
  if (messageId === undefined) {
    return { ...result, message: { chat_id: String(chatId), message_id: '' } };
  }
  return { ...result, message: { chat_id: String(chatId), message_id: String(messageId) } };
}

function migratedTwice(): SendOutcome & { kind: 'permanent' } {
  return {
    kind: 'permanent',
    statusCode: 400,
    reason: 'Telegram 400: the chat migrated twice in a row',
    cause: 'other',
  };
}

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
  if (second.kind === 'migrate') return migratedTwice();
  return second;
}

import type { EventPayload } from '@wrenn/events';
import { describeEvent } from '../render/describe-event';
import { htmlText, notificationLines, PIECE_LIMIT_STEPS, plainText } from '../render/rich-text';

/** Longest `text`, counted on what the reader sees (after entity parsing), in UTF-16 code units. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** The `sendMessage` body (Bot API). */
export interface TelegramMessage {
  chat_id: number | string;
  text: string;
  parse_mode: 'HTML';
  link_preview_options: { is_disabled: true };
  message_thread_id?: number;
}

/**
 * The message text in Telegram's HTML: every untrusted piece is truncated
 * before it is escaped and wrapped, and the pieces shrink until the visible
 * text fits in 4096 characters.
 */
export function renderTelegramText(event: EventPayload): string {
  const description = describeEvent(event);
  let html = '';
  for (const limits of PIECE_LIMIT_STEPS) {
    const lines = notificationLines(description, limits);
    html = htmlText(lines, '\n');
    if (plainText(lines).length <= TELEGRAM_TEXT_LIMIT) break;
  }
  return html;
}

/** Renders one event as a `sendMessage` body for a chat (and optional forum topic). */
export function renderTelegramMessage(
  event: EventPayload,
  target: { chatId: number | string; messageThreadId?: number | undefined },
): TelegramMessage {
  const message: TelegramMessage = {
    chat_id: target.chatId,
    text: renderTelegramText(event),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  };
  if (target.messageThreadId !== undefined) message.message_thread_id = target.messageThreadId;
  return message;
}

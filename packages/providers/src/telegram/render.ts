import type { EventPayload } from '@wrenn/events';
import { describeEvent } from '../render/describe-event';
import { describeDigest, fitDigest } from '../render/digest';
import { resourceLinks } from '../render/links';
import { digestLines, htmlText, notificationLines, PIECE_LIMIT_STEPS, plainText } from '../render/rich-text';

/** Longest `text`, counted on what the reader sees (after entity parsing), in UTF-16 code units. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** The `sendMessage` body (Bot API). */
export interface TelegramMessage {
  chat_id: number | string;
  text: string;
  parse_mode: 'HTML';
  link_preview_options: { is_disabled: true };
  message_thread_id?: number;
  /** One url button per row for each dashboard link, when there are any. */
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; url: string }>> };
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

/** A digest's text in Telegram's HTML and the length Telegram counts (the visible text). */
export function renderTelegramDigestText(events: readonly EventPayload[]): { html: string; visibleLength: number } {
  const lines = digestLines(describeDigest(events));
  return { html: htmlText(lines, '\n'), visibleLength: plainText(lines).length };
}

/**
 * The text of one message carrying the leading `events`: a digest of as many
 * as fit in 4096 visible characters, or the single-event text for one.
 */
export function fitTelegramText(events: readonly EventPayload[]): { text: string; carried: number } {
  const { message, carried } = fitDigest(events, {
    single: (event) => ({ html: renderTelegramText(event), visibleLength: 0 }),
    digest: renderTelegramDigestText,
    fits: (text) => text.visibleLength <= TELEGRAM_TEXT_LIMIT,
  });
  return { text: message.html, carried };
}

export interface TelegramTarget {
  chatId: number | string;
  messageThreadId?: number | undefined;
}

/** Renders one event as a `sendMessage` body for a chat (and optional forum topic). */
export function renderTelegramMessage(event: EventPayload, target: TelegramTarget): TelegramMessage {
  return telegramMessage(renderTelegramText(event), target, [event]);
}

/** Renders the leading `events` as one `sendMessage` body, and how many it carries. */
export function renderTelegramMessages(
  events: readonly EventPayload[],
  target: TelegramTarget,
): { message: TelegramMessage; carried: number } {
  const { text, carried } = fitTelegramText(events);
  return { message: telegramMessage(text, target, events.slice(0, carried)), carried };
}

function telegramMessage(text: string, target: TelegramTarget, events: readonly EventPayload[]): TelegramMessage {
  const message: TelegramMessage = {
    chat_id: target.chatId,
    text,
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  };
  if (target.messageThreadId !== undefined) message.message_thread_id = target.messageThreadId;
  const links = resourceLinks(events);
  if (links.length > 0)
    message.reply_markup = { inline_keyboard: links.map((link) => [{ text: link.label, url: link.url }]) };
  return message;
}

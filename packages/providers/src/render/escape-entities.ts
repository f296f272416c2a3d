import { truncate } from './truncate';

/**
 * Escapes `&`, `<` and `>` as HTML entities. Slack mrkdwn and Google Chat use
 * `<…>` for links and mentions (`<!channel>`, `<users/all>`), so escaping the
 * brackets also turns hostile mentions into inert text.
 */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for HTML element content and double-quoted attribute values (Telegram, Matrix). */
export function escapeHtml(text: string): string {
  return escapeEntities(text).replace(/"/g, '&quot;');
}

/**
 * Truncates plain text so that its escaped form is at most `max` characters,
 * then escapes it. Cutting the plain text keeps an escape sequence whole.
 */
export function fitEscaped(text: string, max: number, escapeText: (plain: string) => string = escapeEntities): string {
  let limit = max;
  let escaped = escapeText(truncate(text, limit));
  while (escaped.length > max && limit > 0) {
    limit -= Math.max(1, Math.ceil((escaped.length - max) / 2));
    escaped = escapeText(truncate(text, limit));
  }
  return escaped;
}

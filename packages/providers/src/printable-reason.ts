import { redactKnown } from '@wrenn/runtime';

/** Longest reason a destination's answer may leave as (`last_error`, API messages, logs). */
export const MAX_REASON_LENGTH = 500;

/** A high surrogate without its low half, or a low one without its high half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Line breaks and tabs of every kind read as a space. */
const BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
/**
 * Every other control character (C0 and C1, NUL and DEL included) and every
 * invisible format character (zero-width marks, direction overrides, the
 * byte-order mark, tag characters) that could make a stored text display
 * differently from what it says.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * Makes untrusted text (what a destination answered, an error message) safe
 * to store and show: lone surrogates become U+FFFD (invalid UTF-8 already
 * decodes to it), control characters and NUL are dropped, breaks and runs of
 * whitespace become one space, every known secret and every credential
 * pattern is redacted, and the result has at most 500 UTF-16 code units
 * without splitting a surrogate pair (a cut text ends with "…").
 */
export function printableReason(text: string, secrets: Iterable<string> = []): string {
  const known = [...secrets];
  // Redact before and after cleaning: a secret can be echoed as sent, or
  // with control characters in between that cleaning removes.
  const cleaned = redactKnown(String(text), known)
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(BREAKS, ' ')
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
  return truncateUtf16(redactKnown(cleaned, known), MAX_REASON_LENGTH);
}

/** Cuts to at most `max` code units, never between the halves of a surrogate pair. */
function truncateUtf16(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

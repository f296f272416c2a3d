import type { SendOutcome } from '@wrenn/providers';

/** The most text a delivery keeps of a provider's answer. */
export const MAX_STORED_ERROR = 500;

const LINE_BREAKS = /[\t\n\r\v\f\u0085\u2028\u2029]+/g;
// Control characters (NUL, C0, DEL, C1) and invisible format characters (zero-width,
// bidirectional overrides, BOM) that can make a stored text read as something else.
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `text` as it may be stored and shown: one line of printable characters,
 * valid UTF-8 (lone surrogates become U+FFFD), at most `max` characters.
 */
export function printableText(text: string, max = MAX_STORED_ERROR): string {
  const clean = text
    .replace(LONE_SURROGATE, '\ufffd')
    .replace(LINE_BREAKS, ' ')
    .replace(INVISIBLE, '')
    .replace(/ {2,}/g, ' ')
    .trim();
  if (clean.length <= max) return clean;
  // Never cut a surrogate pair in half.
  const cut = /[\ud800-\udbff]/.test(clean.charAt(max - 2)) ? max - 2 : max - 1;
  return `${clean.slice(0, cut)}…`;
}

/**
 * The outcome with its reason made printable. Providers already summarise
 * what a destination answered; the worker stores only what passes this too,
 * so no answer can make an attempt unstorable or a delivery log unreadable.
 */
export function storableOutcome(outcome: SendOutcome): SendOutcome {
  if (outcome.kind === 'ok') return outcome;
  const reason = printableText(outcome.reason) || `HTTP ${outcome.statusCode ?? 'error'}`;
  return reason === outcome.reason ? outcome : { ...outcome, reason };
}

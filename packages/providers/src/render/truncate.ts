/**
 * Truncates plain text to at most `max` UTF-16 code units, ending with "…" when
 * cut, and never splitting a surrogate pair. Apply before escaping or markup.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** Byte length of a string in UTF-8, for limits stated in bytes. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

import { parseDuration } from './duration';

/**
 * Parses `WRENN_RETRY_DELAYS` (`10s,30s`, any unit of the duration grammar)
 * into milliseconds. Throws with a message naming the bad item. An empty
 * string means one attempt only.
 */
export function parseRetryDelays(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((raw) => {
    const item = raw.trim();
    const ms = parseDuration(item);
    if (ms === undefined) throw new Error(`"${item}" is not a duration like 500ms, 10s or 2m`);
    return ms;
  });
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/**
 * Parses `WRENN_RETRY_DELAYS` (`10s,30s`, units ms/s/m) into milliseconds.
 * Throws with a message naming the bad item. An empty string means one attempt only.
 */
export function parseRetryDelays(text: string): number[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed.split(',').map((raw) => {
    const item = raw.trim();
    const match = DURATION.exec(item);
    if (!match) throw new Error(`"${item}" is not a duration like 500ms, 10s or 2m`);
    return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  });
}

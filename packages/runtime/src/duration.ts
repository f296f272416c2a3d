const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A unit of the duration grammar. */
export type DurationUnit = keyof typeof UNIT_MS;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

export interface ParseDurationOptions {
  /**
   * The unit of a bare number (`30000`), for a setting that historically took
   * one; without it a bare number is not a duration.
   */
  bareUnit?: DurationUnit;
}

/**
 * The one duration grammar of every setting: a number, whole or decimal, then
 * `ms`, `s`, `m`, `h` or `d` (`500ms`, `1.5s`, `10s`, `5m`, `24h`, `7d`),
 * surrounding spaces ignored. Returns whole milliseconds, or `undefined` when
 * the text is not a duration.
 */
export function parseDuration(text: string, options: ParseDurationOptions = {}): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] as DurationUnit | undefined) ?? options.bareUnit;
  if (unit === undefined) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[unit]);
}

/** `120000` → `2m`: a duration read back in the largest unit that writes it whole. */
export function formatDuration(ms: number): string {
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

import { Temporal } from '@js-temporal/polyfill';
import { checkSubscription, subscriptionMatches } from '@wrenn/events';
import { z } from 'zod';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Event types that go out at once during a window unless the channel says otherwise. */
export const DEFAULT_URGENT = ['host.down', 'channel.disabled'] as const;

/** A channel's quiet hours as stored and shown: every default filled in. */
export interface QuietHours {
  timezone: string;
  start: string;
  end: string;
  days: Weekday[];
  urgent: string[];
}

const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const TIME_MESSAGE = 'must be a time of day as HH:MM, 24-hour (00:00–23:59)';

/** The canonical name of an IANA timezone, or null. Offsets (`+01:00`) are not timezones: they know no daylight saving. */
function canonicalTimezone(name: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return null;
  try {
    return Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name).timeZoneId;
  } catch {
    return null;
  }
}

const Timezone = z.string({ error: 'must be an IANA timezone name such as "Europe/Berlin"' }).transform((name, ctx) => {
  const canonical = canonicalTimezone(name);
  if (canonical) return canonical;
  ctx.addIssue({
    code: 'custom',
    message: `${JSON.stringify(name.slice(0, 64))} is not an IANA timezone name such as "Europe/Berlin"`,
    input: name,
  });
  return z.NEVER;
});

const TimeOfDay = z.string({ error: TIME_MESSAGE }).regex(TIME_PATTERN, TIME_MESSAGE);

const Days = z
  .array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }), {
    error: `must be an array of weekdays (${WEEKDAYS.join(', ')})`,
  })
  .min(1, 'must list at least one weekday (leave it out for every day)')
  .transform((days) => WEEKDAYS.filter((day) => days.includes(day)));

const Urgent = z
  .array(
    z
      .string({ error: 'must be a string (an event type or a pattern)' })
      .max(200, 'must be at most 200 characters')
      .superRefine((value, ctx) => {
        const check = checkSubscription(value);
        if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message, input: value });
      }),
    { error: 'must be an array of event types or patterns' },
  )
  .max(64, 'must list at most 64 events')
  .transform((events) => [...new Set(events)]);

/**
 * `quiet_hours` as a request gives it: parses to {@link QuietHours} with the
 * defaults filled in (every day; `host.down` and `channel.disabled` urgent).
 */
export const QuietHoursInput = z
  .strictObject(
    {
      timezone: Timezone,
      start: TimeOfDay,
      end: TimeOfDay,
      days: Days.optional(),
      urgent: Urgent.optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys'
          ? `unknown field ${(issue.keys as string[]).map((k) => JSON.stringify(k)).join(', ')} (allowed: timezone, start, end, days, urgent)`
          : 'must be an object {timezone, start, end, days?, urgent?} or null',
    },
  )
  .refine((value) => value.start !== value.end, { message: 'start and end must differ', path: ['end'] })
  .transform(
    (value): QuietHours => ({
      timezone: value.timezone,
      start: value.start,
      end: value.end,
      days: value.days ?? [...WEEKDAYS],
      urgent: value.urgent ?? [...DEFAULT_URGENT],
    }),
  );

/** Whether `eventType` goes out at once during the channel's quiet hours. */
export function isUrgent(quiet: QuietHours, eventType: string): boolean {
  return quiet.urgent.some((subscription) => subscriptionMatches(subscription, eventType));
}

/**
 * When the quiet window around `atMs` ends (epoch ms), or null when `atMs` is
 * outside every window. A window opens at `start` on each of `days` (local
 * time in the timezone) and closes at the next `end`: the same day, or the
 * next one when `end` comes before `start`. Local times that a daylight-saving
 * change skips or repeats resolve as Temporal's `compatible` rule says: a
 * skipped 02:30 is 03:30, a repeated one is its first occurrence.
 */
export function quietWindowEnd(quiet: QuietHours, atMs: number): number | null {
  const at = Temporal.Instant.fromEpochMilliseconds(atMs).toZonedDateTimeISO(quiet.timezone);
  const start = Temporal.PlainTime.from(quiet.start);
  const end = Temporal.PlainTime.from(quiet.end);
  const crossesMidnight = Temporal.PlainTime.compare(end, start) < 0;
  // Only a window that opened today or, across midnight, yesterday can hold `at`.
  const today = at.toPlainDate();
  for (const day of crossesMidnight ? [today.subtract({ days: 1 }), today] : [today]) {
    if (!quiet.days.includes(WEEKDAYS[day.dayOfWeek - 1] as Weekday)) continue;
    const opens = day.toZonedDateTime({ timeZone: quiet.timezone, plainTime: start }).epochMilliseconds;
    const closes = (crossesMidnight ? day.add({ days: 1 }) : day).toZonedDateTime({
      timeZone: quiet.timezone,
      plainTime: end,
    }).epochMilliseconds;
    if (atMs >= opens && atMs < closes) return closes;
  }
  return null;
}

/**
 * When a delivery of `eventType` created at `atMs` may go out: the end of the
 * quiet window it falls in, or null to send it at once (no window, or urgent).
 */
export function quietUntil(quiet: QuietHours | null, eventType: string, atMs: number): number | null {
  if (!quiet || isUrgent(quiet, eventType)) return null;
  return quietWindowEnd(quiet, atMs);
}

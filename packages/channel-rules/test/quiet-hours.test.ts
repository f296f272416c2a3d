import { describe, expect, it } from 'vitest';
import { type QuietHours, QuietHoursInput, quietUntil, quietWindowEnd } from '../src/quiet-hours';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function quiet(input: Record<string, unknown>): QuietHours {
  return QuietHoursInput.parse(input);
}

describe('quiet windows', () => {
  const night = quiet({ timezone: 'Europe/Berlin', start: '22:00', end: '07:00' });

  it('spans midnight: the window that opened yesterday evening closes this morning', () => {
    // 2026-12-04 is a Friday; Berlin is UTC+1 in winter.
    expect(iso(quietWindowEnd(night, at('2026-12-04T21:00:00Z')))).toBe('2026-12-05T06:00:00.000Z');
    expect(iso(quietWindowEnd(night, at('2026-12-05T02:30:00Z')))).toBe('2026-12-05T06:00:00.000Z');
    expect(quietWindowEnd(night, at('2026-12-04T20:59:59Z'))).toBeNull();
    expect(quietWindowEnd(night, at('2026-12-05T06:00:00Z'))).toBeNull();
    expect(quietWindowEnd(night, at('2026-12-05T12:00:00Z'))).toBeNull();
  });

  it('keeps a window within one day when end comes after start', () => {
    const office = quiet({ timezone: 'UTC', start: '09:00', end: '17:30' });
    expect(iso(quietWindowEnd(office, at('2026-12-04T09:00:00Z')))).toBe('2026-12-04T17:30:00.000Z');
    expect(quietWindowEnd(office, at('2026-12-04T08:59:00Z'))).toBeNull();
    expect(quietWindowEnd(office, at('2026-12-04T23:00:00Z'))).toBeNull();
  });

  it('follows Europe/Berlin across the spring change: the night before is an hour shorter', () => {
    // Clocks go from 02:00 CET to 03:00 CEST on Sunday 2026-03-29.
    expect(iso(quietWindowEnd(night, at('2026-03-28T21:00:00Z')))).toBe('2026-03-29T05:00:00.000Z');
    expect(iso(quietWindowEnd(night, at('2026-03-29T01:30:00Z')))).toBe('2026-03-29T05:00:00.000Z');
    expect(quietWindowEnd(night, at('2026-03-29T05:00:00Z'))).toBeNull();
    // The night after opens at 22:00 CEST, 20:00 UTC.
    expect(quietWindowEnd(night, at('2026-03-29T19:59:00Z'))).toBeNull();
    expect(iso(quietWindowEnd(night, at('2026-03-29T20:00:00Z')))).toBe('2026-03-30T05:00:00.000Z');
  });

  it('follows Europe/Berlin across the autumn change: the night before is an hour longer', () => {
    // Clocks go from 03:00 CEST back to 02:00 CET on Sunday 2026-10-25.
    expect(quietWindowEnd(night, at('2026-10-24T19:59:00Z'))).toBeNull();
    expect(iso(quietWindowEnd(night, at('2026-10-24T20:00:00Z')))).toBe('2026-10-25T06:00:00.000Z');
    // 02:30 local happens twice; both are inside.
    expect(iso(quietWindowEnd(night, at('2026-10-25T00:30:00Z')))).toBe('2026-10-25T06:00:00.000Z');
    expect(iso(quietWindowEnd(night, at('2026-10-25T01:30:00Z')))).toBe('2026-10-25T06:00:00.000Z');
    expect(quietWindowEnd(night, at('2026-10-25T06:00:00Z'))).toBeNull();
    expect(iso(quietWindowEnd(night, at('2026-10-25T21:00:00Z')))).toBe('2026-10-26T06:00:00.000Z');
  });

  it('follows America/New_York across both changes, a skipped start time included', () => {
    const ny = quiet({ timezone: 'America/New_York', start: '22:00', end: '07:00' });
    // Spring: 02:00 EST becomes 03:00 EDT on Sunday 2026-03-08.
    expect(iso(quietWindowEnd(ny, at('2026-03-08T03:00:00Z')))).toBe('2026-03-08T11:00:00.000Z');
    expect(iso(quietWindowEnd(ny, at('2026-03-09T02:00:00Z')))).toBe('2026-03-09T11:00:00.000Z');
    expect(quietWindowEnd(ny, at('2026-03-09T01:59:00Z'))).toBeNull();
    // Autumn: 02:00 EDT becomes 01:00 EST on Sunday 2026-11-01.
    expect(iso(quietWindowEnd(ny, at('2026-11-01T02:00:00Z')))).toBe('2026-11-01T12:00:00.000Z');
    expect(iso(quietWindowEnd(ny, at('2026-11-01T06:30:00Z')))).toBe('2026-11-01T12:00:00.000Z');
    expect(iso(quietWindowEnd(ny, at('2026-11-02T03:00:00Z')))).toBe('2026-11-02T12:00:00.000Z');
    // 02:30 does not exist on 2026-03-08: the window opens at 03:30 EDT (07:30 UTC).
    const early = quiet({ timezone: 'America/New_York', start: '02:30', end: '06:00' });
    expect(quietWindowEnd(early, at('2026-03-08T07:15:00Z'))).toBeNull();
    expect(iso(quietWindowEnd(early, at('2026-03-08T07:30:00Z')))).toBe('2026-03-08T10:00:00.000Z');
  });

  it('opens only on the listed days, which are the days a window starts', () => {
    const fridays = quiet({ timezone: 'Europe/Berlin', start: '22:00', end: '07:00', days: ['fri'] });
    // Friday 23:00 and the small hours of Saturday belong to Friday's window.
    expect(iso(quietWindowEnd(fridays, at('2026-12-04T22:00:00Z')))).toBe('2026-12-05T06:00:00.000Z');
    expect(iso(quietWindowEnd(fridays, at('2026-12-05T03:00:00Z')))).toBe('2026-12-05T06:00:00.000Z');
    expect(quietWindowEnd(fridays, at('2026-12-05T22:00:00Z'))).toBeNull();
    expect(quietWindowEnd(fridays, at('2026-12-03T22:00:00Z'))).toBeNull();
    const weekend = quiet({ timezone: 'UTC', start: '00:00', end: '23:59', days: ['sun', 'sat'] });
    expect(weekend.days).toEqual(['sat', 'sun']);
    expect(quietWindowEnd(weekend, at('2026-12-05T12:00:00Z'))).not.toBeNull();
    expect(quietWindowEnd(weekend, at('2026-12-07T12:00:00Z'))).toBeNull();
  });

  it('lets urgent events through at once: host.down and channel.disabled unless the channel says otherwise', () => {
    const now = at('2026-12-04T23:00:00Z');
    expect(quietUntil(night, 'host.down', now)).toBeNull();
    expect(quietUntil(night, 'channel.disabled', now)).toBeNull();
    expect(iso(quietUntil(night, 'capsule.created', now))).toBe('2026-12-05T06:00:00.000Z');
    const own = quiet({ timezone: 'Europe/Berlin', start: '22:00', end: '07:00', urgent: ['capsule.*'] });
    expect(quietUntil(own, 'capsule.destroyed', now)).toBeNull();
    expect(quietUntil(own, 'host.down', now)).not.toBeNull();
    expect(quietUntil(null, 'capsule.created', now)).toBeNull();
  });
});

describe('QuietHoursInput', () => {
  it('fills in the defaults and the canonical timezone name', () => {
    expect(quiet({ timezone: 'europe/berlin', start: '22:00', end: '07:00' })).toEqual({
      timezone: 'Europe/Berlin',
      start: '22:00',
      end: '07:00',
      days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      urgent: ['host.down', 'channel.disabled'],
    });
    expect(quiet({ timezone: 'UTC', start: '01:00', end: '02:00', urgent: [] }).urgent).toEqual([]);
  });

  it.each([
    [{ timezone: 'Mars/Olympus', start: '22:00', end: '07:00' }, 'not an IANA timezone'],
    [{ timezone: '+01:00', start: '22:00', end: '07:00' }, 'not an IANA timezone'],
    [{ timezone: 'UTC', start: '24:00', end: '07:00' }, 'HH:MM'],
    [{ timezone: 'UTC', start: '7:00', end: '08:00' }, 'HH:MM'],
    [{ timezone: 'UTC', start: '07:00', end: '07:00' }, 'start and end must differ'],
    [{ timezone: 'UTC', start: '22:00', end: '07:00', days: [] }, 'at least one weekday'],
    [{ timezone: 'UTC', start: '22:00', end: '07:00', days: ['monday'] }, 'must be one of'],
    [{ timezone: 'UTC', start: '22:00', end: '07:00', urgent: ['host.gone'] }, 'unknown event'],
    [{ timezone: 'UTC', start: '22:00', end: '07:00', mute: true }, 'unknown field "mute"'],
    [{ start: '22:00', end: '07:00' }, 'IANA timezone'],
    ['22:00-07:00', 'must be an object'],
  ])('refuses %j', (input, message) => {
    const result = QuietHoursInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join('; ')).toContain(message);
  });
});

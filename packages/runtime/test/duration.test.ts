import { describe, expect, it } from 'vitest';
import { envVars, formatDuration, parseDuration } from '../src';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    [' 2m ', 120_000],
    ['0s', 0],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', 'ten seconds', '10 s', '-5s', '5w', '1e3ms', 's'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('reads a bare number in the unit a setting historically took', () => {
    expect(parseDuration('30000', { bareUnit: 'ms' })).toBe(30_000);
    expect(parseDuration('30s', { bareUnit: 'ms' })).toBe(30_000);
    expect(parseDuration('90', { bareUnit: 's' })).toBe(90_000);
  });

  it('writes durations back in the largest whole unit', () => {
    expect([120_000, 1_000, 1_500, 7_200_000, 172_800_000].map(formatDuration)).toEqual([
      '2m',
      '1s',
      '1500ms',
      '2h',
      '2d',
    ]);
  });
});

describe('every duration setting keeps its old spellings', () => {
  const durations = envVars.pick({
    WRENN_JOB_LOCK_MS: true,
    WRENN_MAX_RATE_LIMIT_WAIT: true,
    WRENN_DELIVERY_RETENTION: true,
    WRENN_AUDIT_RETENTION: true,
    WRENN_RELAY_INTERVAL: true,
    WRENN_RELAY_LOCK_TTL: true,
    WRENN_PROVIDER_TIMEOUT: true,
    WRENN_RETRY_DELAYS: true,
  });

  it('reads each in its historical form', () => {
    expect(
      durations.parse({
        WRENN_JOB_LOCK_MS: '30000',
        WRENN_MAX_RATE_LIMIT_WAIT: '90s',
        WRENN_DELIVERY_RETENTION: '30d',
        WRENN_AUDIT_RETENTION: '12h',
        WRENN_RELAY_INTERVAL: '500ms',
        WRENN_RELAY_LOCK_TTL: '2m',
        WRENN_PROVIDER_TIMEOUT: '1500ms',
        WRENN_RETRY_DELAYS: '500ms,1.5s,2m',
      }),
    ).toEqual({
      WRENN_JOB_LOCK_MS: 30_000,
      WRENN_MAX_RATE_LIMIT_WAIT: 90_000,
      WRENN_DELIVERY_RETENTION: 30 * 86_400_000,
      WRENN_AUDIT_RETENTION: 12 * 3_600_000,
      WRENN_RELAY_INTERVAL: 500,
      WRENN_RELAY_LOCK_TTL: 120_000,
      WRENN_PROVIDER_TIMEOUT: 1_500,
      WRENN_RETRY_DELAYS: [500, 1_500, 120_000],
    });
  });

  it('reads the job lock with a unit too, and keeps the defaults', () => {
    expect(durations.parse({ WRENN_JOB_LOCK_MS: '45s' }).WRENN_JOB_LOCK_MS).toBe(45_000);
    expect(durations.parse({})).toMatchObject({
      WRENN_JOB_LOCK_MS: 30_000,
      WRENN_MAX_RATE_LIMIT_WAIT: 3_600_000,
      WRENN_DELIVERY_RETENTION: 30 * 86_400_000,
      WRENN_RETRY_DELAYS: [10_000, 30_000],
    });
  });

  it.each([
    ['WRENN_JOB_LOCK_MS', '0'],
    ['WRENN_JOB_LOCK_MS', 'soon'],
    ['WRENN_DELIVERY_RETENTION', '30'],
    ['WRENN_MAX_RATE_LIMIT_WAIT', '0s'],
    ['WRENN_PROVIDER_TIMEOUT', '10'],
  ])('refuses %s=%s', (name, value) => {
    expect(durations.safeParse({ [name]: value }).success).toBe(false);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { encryptionKey, envBoolean, envDuration, envInteger, parseEnv } from '../src';

const schema = z.object({ WRENN_ENCRYPTION_KEY: encryptionKey, FLAG: envBoolean.default(false) });

describe('parseEnv', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parses valid variables and reads "false" as false', () => {
    const env = parseEnv(schema, { WRENN_ENCRYPTION_KEY: 'a'.repeat(64), FLAG: 'false' });
    expect(env.FLAG).toBe(false);
    expect(parseEnv(schema, { WRENN_ENCRYPTION_KEY: 'a'.repeat(64), FLAG: 'TRUE' }).FLAG).toBe(true);
  });

  it('stops with one line naming the variable', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('exit');
    }) as never);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => parseEnv(schema, { WRENN_ENCRYPTION_KEY: 'xyz' })).toThrow('exit');
    expect(exit).toHaveBeenCalledWith(1);
    expect(write).toHaveBeenCalledWith('WRENN_ENCRYPTION_KEY must be 64 hex characters\n');
    write.mockClear();
    expect(() => parseEnv(schema, { WRENN_ENCRYPTION_KEY: 'a'.repeat(64), FLAG: 'maybe' })).toThrow('exit');
    expect(write).toHaveBeenCalledWith('FLAG must be true or false\n');
  });
});

describe('envDuration and envInteger', () => {
  const timings = z.object({
    TIMEOUT: envDuration({ min: 1_000, max: 120_000 }).default(10_000),
    PAGE: envInteger({ min: 1, max: 10_000 }).default(500),
  });

  it.each([
    ['500ms', 1_000, 'TIMEOUT must be between 1s and 2m'],
    ['3m', 1_000, 'TIMEOUT must be between 1s and 2m'],
    ['10', 1_000, 'TIMEOUT must be a duration like 500ms, 10s or 2m'],
    ['ten seconds', 1_000, 'TIMEOUT must be a duration like 500ms, 10s or 2m'],
  ])('refuses TIMEOUT=%s', (value, _unused, line) => {
    expect(timings.safeParse({ TIMEOUT: value }).error?.issues.map((i) => `${i.path.join('.')} ${i.message}`)).toEqual([
      line,
    ]);
  });

  it.each([['0'], ['10001'], ['2.5'], ['many']])('refuses PAGE=%s', (value) => {
    expect(timings.safeParse({ PAGE: value }).error?.issues[0]?.message).toBe('must be a whole number from 1 to 10000');
  });

  it('reads units and falls back to the defaults', () => {
    expect(timings.parse({})).toEqual({ TIMEOUT: 10_000, PAGE: 500 });
    expect(timings.parse({ TIMEOUT: '1500ms', PAGE: '20' })).toEqual({ TIMEOUT: 1_500, PAGE: 20 });
    expect(timings.parse({ TIMEOUT: ' 2m ' }).TIMEOUT).toBe(120_000);
    expect(timings.parse({ TIMEOUT: '1s' }).TIMEOUT).toBe(1_000);
  });
});

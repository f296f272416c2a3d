import { afterEach, describe, expect, it, vi } from 'vitest';
import { envVars, parseEnv, serviceEnv } from '../src';

const schema = envVars.pick({ WRENN_ENCRYPTION_KEY: true, WRENN_ALLOW_PRIVATE_TARGETS: true });
const key = 'a'.repeat(64);

describe('parseEnv', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parses valid variables and reads "false" as false', () => {
    expect(parseEnv(schema, { WRENN_ENCRYPTION_KEY: key, WRENN_ALLOW_PRIVATE_TARGETS: 'false' })).toEqual({
      WRENN_ENCRYPTION_KEY: key,
      WRENN_ALLOW_PRIVATE_TARGETS: false,
    });
    const flag = (value: string | undefined) =>
      parseEnv(schema, { WRENN_ENCRYPTION_KEY: key, WRENN_ALLOW_PRIVATE_TARGETS: value }).WRENN_ALLOW_PRIVATE_TARGETS;
    for (const yes of ['TRUE', 'true', ' 1 ', 'yes', 'On']) expect(flag(yes)).toBe(true);
    for (const no of ['FALSE', '0', 'no', ' off ', '   ']) expect(flag(no)).toBe(false);
    // An empty variable counts as unset: the default applies.
    expect(flag('')).toBe(false);
    expect(flag(undefined)).toBe(false);
  });

  it('stops with one line naming the variable', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('exit');
    }) as never);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => parseEnv(schema, { WRENN_ENCRYPTION_KEY: 'xyz' })).toThrow('exit');
    expect(exit).toHaveBeenCalledWith(1);
    expect(write).toHaveBeenCalledWith('WRENN_ENCRYPTION_KEY must be 64 hex characters\n');
    for (const bad of ['maybe', 'y', 'enabled', 'truee']) {
      write.mockClear();
      expect(() => parseEnv(schema, { WRENN_ENCRYPTION_KEY: key, WRENN_ALLOW_PRIVATE_TARGETS: bad })).toThrow('exit');
      expect(write).toHaveBeenCalledWith('WRENN_ALLOW_PRIVATE_TARGETS must be true or false\n');
    }
  });

  it('gives each service its own PORT default and keeps the error messages', () => {
    const required = { DATABASE_URL: 'postgres://db', REDIS_URL: 'redis://redis', WRENN_ENCRYPTION_KEY: key };
    const api = serviceEnv(8080);
    expect(parseEnv(api, required).PORT).toBe(8080);
    expect(parseEnv(serviceEnv(8081), required).PORT).toBe(8081);
    expect(parseEnv(api, { ...required, PORT: '9000' }).PORT).toBe(9000);
    vi.spyOn(process, 'exit').mockImplementation((() => {
      throw new Error('exit');
    }) as never);
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(() => parseEnv(api, { ...required, PORT: 'eighty' })).toThrow('exit');
    expect(write).toHaveBeenCalledWith('PORT must be a port number\n');
  });

  it('adds the variables only that service reads', () => {
    const required = { DATABASE_URL: 'postgres://db', REDIS_URL: 'redis://redis', WRENN_ENCRYPTION_KEY: key };
    const api = serviceEnv(8080, { WRENN_MAX_CHANNELS_PER_TEAM: true });
    expect(parseEnv(api, { ...required, WRENN_MAX_CHANNELS_PER_TEAM: '7' }).WRENN_MAX_CHANNELS_PER_TEAM).toBe(7);
    expect(parseEnv(api, required).PORT).toBe(8080);
    expect('WRENN_MAX_CHANNELS_PER_TEAM' in serviceEnv(8081).shape).toBe(false);
  });
});

describe('durations and whole numbers with bounds', () => {
  const timings = envVars.pick({ WRENN_PROVIDER_TIMEOUT: true, WRENN_RELAY_PAGE_SIZE: true });
  const issues = (env: Record<string, string>) =>
    timings.safeParse(env).error?.issues.map((i) => `${i.path.join('.')} ${i.message}`);

  it.each([
    ['500ms', 'WRENN_PROVIDER_TIMEOUT must be between 1s and 2m'],
    ['3m', 'WRENN_PROVIDER_TIMEOUT must be between 1s and 2m'],
    ['10', 'WRENN_PROVIDER_TIMEOUT must be a duration like 500ms, 10s or 2m'],
    ['ten seconds', 'WRENN_PROVIDER_TIMEOUT must be a duration like 500ms, 10s or 2m'],
  ])('refuses WRENN_PROVIDER_TIMEOUT=%s', (value, line) => {
    expect(issues({ WRENN_PROVIDER_TIMEOUT: value })).toEqual([line]);
  });

  it.each([['0'], ['10001'], ['2.5'], ['many']])('refuses WRENN_RELAY_PAGE_SIZE=%s', (value) => {
    expect(issues({ WRENN_RELAY_PAGE_SIZE: value })).toEqual([
      'WRENN_RELAY_PAGE_SIZE must be a whole number from 1 to 10000',
    ]);
  });

  it('reads units and falls back to the defaults', () => {
    expect(timings.parse({})).toEqual({ WRENN_PROVIDER_TIMEOUT: 10_000, WRENN_RELAY_PAGE_SIZE: 500 });
    expect(timings.parse({ WRENN_PROVIDER_TIMEOUT: '1500ms', WRENN_RELAY_PAGE_SIZE: '20' })).toEqual({
      WRENN_PROVIDER_TIMEOUT: 1_500,
      WRENN_RELAY_PAGE_SIZE: 20,
    });
    expect(timings.parse({ WRENN_PROVIDER_TIMEOUT: ' 2m ' }).WRENN_PROVIDER_TIMEOUT).toBe(120_000);
    expect(timings.parse({ WRENN_PROVIDER_TIMEOUT: '1s' }).WRENN_PROVIDER_TIMEOUT).toBe(1_000);
  });
});

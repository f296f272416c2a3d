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
});

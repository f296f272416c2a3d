import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { encryptionKey, envBoolean, parseEnv } from '../src';

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

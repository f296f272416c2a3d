import { describe, expect, it } from 'vitest';
import { withTimeout } from '../src';

describe('withTimeout', () => {
  it('settles as the promise does when it is in time', async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000)).rejects.toThrow('refused');
  });

  it('rejects with the given error once the time is up', async () => {
    const never = new Promise<never>(() => {});
    await expect(withTimeout(never, 20)).rejects.toThrow('timeout');
    await expect(withTimeout(never, 20, () => new RangeError('too slow'))).rejects.toBeInstanceOf(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRetryDelays } from '../src';

describe('parseRetryDelays', () => {
  it('reads ms, s and m suffixes', () => {
    expect(parseRetryDelays('10s,30s')).toEqual([10_000, 30_000]);
    expect(parseRetryDelays(' 500ms , 1.5s, 2m ')).toEqual([500, 1_500, 120_000]);
    expect(parseRetryDelays('')).toEqual([]);
  });

  it('names the item it cannot read', () => {
    expect(() => parseRetryDelays('10s,soon')).toThrow('"soon"');
    expect(() => parseRetryDelays('10')).toThrow('"10"');
  });
});

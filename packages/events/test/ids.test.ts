import { describe, expect, it } from 'vitest';
import { formatId, isId, newId, parseId } from '../src';

describe('prefixed ids', () => {
  it('encodes a UUID as 25 base-36 characters after the prefix and back', () => {
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const id = formatId('channel', uuid);
    expect(id).toMatch(/^ch-[0-9a-z]{25}$/);
    expect(parseId('channel', id)).toBe(uuid);
  });

  it('pads small values and encodes the largest UUID', () => {
    expect(formatId('team', '00000000-0000-0000-0000-000000000001')).toBe(`team-${'0'.repeat(24)}1`);
    const max = formatId('user', 'ffffffff-ffff-ffff-ffff-ffffffffffff');
    expect(max).toBe('usr-f5lxx1zz5pnorynqglhzmsp33');
    expect(parseId('user', max)).toBe('ffffffff-ffff-ffff-ffff-ffffffffffff');
  });

  it('rejects the wrong prefix, bad characters, wrong length and values above 128 bits', () => {
    const { id } = newId('delivery');
    expect(parseId('channel', id)).toBeNull();
    expect(isId('delivery', id)).toBe(true);
    expect(parseId('channel', 'ch-ABC')).toBeNull();
    expect(parseId('channel', `ch-${'z'.repeat(25)}`)).toBeNull();
    expect(parseId('channel', `ch-${'0'.repeat(24)}`)).toBeNull();
    expect(parseId('channel', `ch-${'0'.repeat(24)}_`)).toBeNull();
    expect(parseId('channel', 42)).toBeNull();
  });
});

describe('newId', () => {
  it('makes version 7 UUIDs that sort in creation order, even within one millisecond', () => {
    const made = Array.from({ length: 5000 }, () => newId('auditLog').uuid);
    for (const uuid of made)
      expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    const ms = Number.parseInt(made[0]!.replaceAll('-', '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(5_000);
  });
});

import { describe, expect, it } from 'vitest';
import { eventForAuditEntry, parseRetryDelays } from '../src';

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

describe('eventForAuditEntry', () => {
  it('maps the eight lifecycle actions and nothing else', () => {
    expect(eventForAuditEntry('sandbox', 'create')).toBe('capsule.created');
    expect(eventForAuditEntry('sandbox', 'resume')).toBe('capsule.running');
    expect(eventForAuditEntry('sandbox', 'pause')).toBe('capsule.paused');
    expect(eventForAuditEntry('sandbox', 'destroy')).toBe('capsule.destroyed');
    expect(eventForAuditEntry('snapshot', 'create')).toBe('template.snapshot.created');
    expect(eventForAuditEntry('snapshot', 'delete')).toBe('template.snapshot.deleted');
    expect(eventForAuditEntry('host', 'marked_up')).toBe('host.up');
    expect(eventForAuditEntry('host', 'marked_down')).toBe('host.down');
    expect(eventForAuditEntry('host', 'create')).toBeNull();
    expect(eventForAuditEntry('team', 'rename')).toBeNull();
    expect(eventForAuditEntry('toString', 'constructor')).toBeNull();
  });
});

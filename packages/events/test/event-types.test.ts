import { describe, expect, it } from 'vitest';
import { eventForAuditEntry } from '../src';

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

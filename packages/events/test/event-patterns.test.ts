import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import {
  buildEventPayload,
  checkSubscription,
  EVENT_TYPES,
  eventCatalog,
  eventForAuditEntry,
  eventTypesMatching,
  newId,
  subscriptionKeys,
  subscriptionMatches,
  subscriptionPatterns,
} from '../src';

describe('event patterns', () => {
  it('lists, for an event type, the type, each dotted prefix + .* and *', () => {
    expect(subscriptionKeys('template.snapshot.created')).toEqual([
      'template.snapshot.created',
      'template.snapshot.*',
      'template.*',
      '*',
    ]);
    expect(subscriptionKeys('host.down')).toEqual(['host.down', 'host.*', '*']);
  });

  it('matches * to everything, prefixes only on whole segments, and covers types added later', () => {
    for (const type of EVENT_TYPES) expect(subscriptionMatches('*', type)).toBe(true);
    expect(eventTypesMatching('template.*')).toEqual(['template.snapshot.created', 'template.snapshot.deleted']);
    expect(eventTypesMatching('channel.*')).toEqual(['channel.disabled']);
    expect(subscriptionMatches('host.*', 'hosts.down')).toBe(false);
    expect(subscriptionMatches('capsule.*', 'capsule.created')).toBe(true);
    // A type the service does not know yet still matches the patterns above it.
    expect(subscriptionMatches('host.*', 'host.rebooted')).toBe(true);
    expect(subscriptionMatches('host.down', 'host.rebooted')).toBe(false);
  });

  it('accepts event types and patterns that match something; refuses the rest, listing what is valid', () => {
    expect(subscriptionPatterns()).toEqual([
      '*',
      'capsule.*',
      'template.*',
      'template.snapshot.*',
      'host.*',
      'channel.*',
    ]);
    for (const ok of [...EVENT_TYPES, ...subscriptionPatterns()]) expect(checkSubscription(ok)).toEqual({ ok: true });
    for (const bad of [
      'capsule.created.*',
      'nope.*',
      'cap*',
      '*.created',
      'capsule.',
      '.*',
      '**',
      'host.*.*',
      'HOST.*',
    ]) {
      const check = checkSubscription(bad);
      expect(check.ok, bad).toBe(false);
      if (!check.ok) expect(check.message).toContain('valid: capsule.created, capsule.running');
    }
    expect(checkSubscription('channel.test')).toEqual({
      ok: false,
      message: 'channel.test is only sent by test sends and cannot be subscribed',
    });
  });
});

describe('event catalog', () => {
  it('maps channel / auto_disable to channel.disabled', () => {
    expect(eventForAuditEntry('channel', 'auto_disable')).toBe('channel.disabled');
    expect(eventForAuditEntry('channel', 'rotate_secret')).toBeNull();
  });

  it('publishes every subscribable event with a description and a schema its built payloads satisfy', () => {
    const catalog = eventCatalog();
    expect(catalog.map((e) => e.name)).toEqual(EVENT_TYPES);
    const ajv = new Ajv2020({ strict: true, validateFormats: false });
    for (const entry of catalog) {
      expect(entry.description.length).toBeGreaterThan(10);
      const validate = ajv.compile(entry.schema);
      const payload = buildEventPayload({
        id: newId('event').id,
        event: entry.name,
        timestamp: '2026-04-09T11:06:06Z',
        teamId: newId('team').id,
        actor: { type: 'user', id: newId('user').id, name: '' },
        resourceId: 'r-1',
        metadata:
          entry.name === 'channel.disabled' ? { name: 'ops', provider: 'slack', reason: 'gone' } : { anything: [1] },
      });
      expect(validate(payload), `${entry.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(payload.actor).not.toHaveProperty('name');
    }
  });
});

import type { EventPayload, SubscribableEvent } from '@wrenn/events';

const RESOURCES: Record<SubscribableEvent, EventPayload['resource'] & { metadata: Record<string, unknown> }> = {
  'capsule.created': { type: 'sandbox', id: 'cl-7f3a9c', metadata: { template: 'python-3.12' } },
  'capsule.running': { type: 'sandbox', id: 'cl-7f3a9c', metadata: {} },
  'capsule.paused': { type: 'sandbox', id: 'cl-7f3a9c', metadata: { reason: 'idle timeout' } },
  'capsule.destroyed': { type: 'sandbox', id: 'cl-7f3a9c', metadata: {} },
  'template.snapshot.created': { type: 'snapshot', id: 'snap-41b2', metadata: { template: 'node-22', size_mb: 512 } },
  'template.snapshot.deleted': { type: 'snapshot', id: 'snap-41b2', metadata: {} },
  'host.up': { type: 'host', id: 'host-eu-1', metadata: {} },
  'host.down': { type: 'host', id: 'host-eu-1', metadata: { last_seen: '2026-04-09T11:05:00Z' } },
  'channel.disabled': {
    type: 'channel',
    id: 'ch-ops',
    metadata: { name: 'ops-slack', provider: 'slack', reason: 'the destination is gone: HTTP 404' },
  },
};

/** One fixed event of each subscribable type, with short ids that keep golden payloads readable. */
export function sampleEvent(event: SubscribableEvent, overrides: Partial<EventPayload> = {}): EventPayload {
  const { metadata, ...resource } = RESOURCES[event];
  const system =
    event === 'host.up' || event === 'host.down' || event === 'capsule.paused' || event === 'channel.disabled';
  return {
    id: 'evt-0001',
    event,
    timestamp: '2026-04-09T11:06:06Z',
    team_id: 'team-42',
    actor: system ? { type: 'system' } : { type: 'user', id: 'usr-9', name: 'Ada' },
    resource,
    metadata,
    ...overrides,
  };
}

/** An event whose every untrusted string is hostile to some markup. */
export function hostileEvent(text: string): EventPayload {
  return sampleEvent('capsule.created', {
    actor: { type: 'user', id: 'usr-9', name: text },
    resource: { type: 'sandbox', id: text },
    metadata: { [text]: text },
  });
}

/** An event with a 10,000-character actor name, resource id and metadata value, and many metadata keys. */
export function oversizedEvent(): EventPayload {
  const long = 'x'.repeat(10_000);
  const metadata: Record<string, unknown> = { note: 'é'.repeat(10_000), [`k${long}`]: long };
  for (let i = 0; i < 120; i += 1) metadata[`key_${i}`] = `value ${i} ${'y'.repeat(200)}`;
  return sampleEvent('capsule.created', {
    actor: { type: 'user', id: 'usr-9', name: long },
    resource: { type: 'sandbox', id: `cl-${long}` },
    metadata,
  });
}

/** What every renderer must show for each sample event: its title, summary line and severity. */
export const EXPECTED_TEXT: Record<
  SubscribableEvent,
  { title: string; summary: string; severity: 'good' | 'warning' | 'attention' }
> = {
  'capsule.created': {
    title: 'Capsule created',
    summary: 'Capsule cl-7f3a9c was created by Ada (usr-9).',
    severity: 'good',
  },
  'capsule.running': {
    title: 'Capsule resumed',
    summary: 'Capsule cl-7f3a9c was resumed by Ada (usr-9).',
    severity: 'good',
  },
  'capsule.paused': { title: 'Capsule paused', summary: 'Capsule cl-7f3a9c was paused.', severity: 'warning' },
  'capsule.destroyed': {
    title: 'Capsule destroyed',
    summary: 'Capsule cl-7f3a9c was destroyed by Ada (usr-9).',
    severity: 'attention',
  },
  'template.snapshot.created': {
    title: 'Template snapshot created',
    summary: 'Snapshot snap-41b2 was created by Ada (usr-9).',
    severity: 'good',
  },
  'template.snapshot.deleted': {
    title: 'Template snapshot deleted',
    summary: 'Snapshot snap-41b2 was deleted by Ada (usr-9).',
    severity: 'warning',
  },
  'host.up': { title: 'Host is up', summary: 'Host host-eu-1 is back online.', severity: 'good' },
  'host.down': { title: 'Host is down', summary: 'Host host-eu-1 is unreachable.', severity: 'attention' },
  'channel.disabled': { title: 'Channel disabled', summary: 'Channel ch-ops was disabled.', severity: 'attention' },
};

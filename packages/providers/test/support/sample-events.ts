import type { EventPayload, SubscribableEvent } from '@wrenn/events';

const SANDBOX = { id: 'cl-0a1b2c3d4e5f6g7h8i9j0k1l2', type: 'sandbox' };
const SNAPSHOT = { id: 'snap-00000000000000000000000s1', type: 'snapshot' };
const HOST = { id: 'host-00000000000000000000000h1', type: 'host' };
const CHANNEL = { id: 'ch-000000000000000000000000c1', type: 'channel' };

const SHAPES: Record<
  SubscribableEvent,
  { resource: EventPayload['resource']; metadata: Record<string, unknown>; system?: boolean }
> = {
  'capsule.created': { resource: SANDBOX, metadata: { template: 'python-3.12' } },
  'capsule.running': { resource: SANDBOX, metadata: {} },
  'capsule.paused': { resource: SANDBOX, metadata: { reason: 'idle' }, system: true },
  'capsule.destroyed': { resource: SANDBOX, metadata: {} },
  'template.snapshot.created': { resource: SNAPSHOT, metadata: { template: 'node-22' } },
  'template.snapshot.deleted': { resource: SNAPSHOT, metadata: {} },
  'host.up': { resource: HOST, metadata: { region: 'eu-west' }, system: true },
  'host.down': { resource: HOST, metadata: { region: 'eu-west', last_seen: '2026-04-09T11:05:00Z' }, system: true },
  'channel.disabled': {
    resource: CHANNEL,
    metadata: { name: 'ops-slack', provider: 'slack', reason: 'the destination is gone: HTTP 404' },
    system: true,
  },
};

/** A fixed event of each subscribable type. */
export function sampleEvent(event: SubscribableEvent): EventPayload {
  const shape = SHAPES[event];
  return {
    id: 'evt-000000000000000000000e001',
    event,
    timestamp: '2026-04-09T11:06:06Z',
    team_id: 'team-00000000000000000000team1',
    actor: shape.system ? { type: 'system' } : { type: 'user', id: 'usr-0000000000000000000000ada', name: 'Ada' },
    resource: { ...shape.resource },
    metadata: { ...shape.metadata },
  };
}

/** Markup and mention syntax of every provider in every untrusted field. */
export function hostileEvent(): EventPayload {
  const text = '<b>x</b> @everyone <!channel> <users/all> *bold* _it_ [a](https://evil.example) & "q" \u202e';
  return {
    ...sampleEvent('capsule.created'),
    actor: { type: 'user', id: 'usr-0000000000000000000000ada', name: text },
    resource: { id: text, type: 'sandbox' },
    metadata: { [text]: text },
  };
}

/** 10,000-character values everywhere a user can put text. */
export function hugeEvent(): EventPayload {
  const long = 'x'.repeat(10_000);
  return {
    ...sampleEvent('capsule.created'),
    actor: { type: 'user', id: 'usr-0000000000000000000000ada', name: long },
    resource: { id: long, type: 'sandbox' },
    metadata: { note: long, [long]: 'key' },
  };
}

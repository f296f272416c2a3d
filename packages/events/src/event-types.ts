/** Events a channel can subscribe to (CONTRACT section 5). */
export const EVENT_TYPES = [
  'capsule.created',
  'capsule.running',
  'capsule.paused',
  'capsule.destroyed',
  'template.snapshot.created',
  'template.snapshot.deleted',
  'host.up',
  'host.down',
] as const;

export type SubscribableEvent = (typeof EVENT_TYPES)[number];

/** Every event name, including the one only test sends use. */
export type EventType = SubscribableEvent | 'channel.test';

export function isSubscribableEvent(value: unknown): value is SubscribableEvent {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/** Audit entries (resource_type / action) that become events. */
const EVENT_BY_AUDIT_ACTION: Readonly<Record<string, Readonly<Record<string, SubscribableEvent>>>> = {
  sandbox: {
    create: 'capsule.created',
    resume: 'capsule.running',
    pause: 'capsule.paused',
    destroy: 'capsule.destroyed',
  },
  snapshot: {
    create: 'template.snapshot.created',
    delete: 'template.snapshot.deleted',
  },
  host: {
    marked_up: 'host.up',
    marked_down: 'host.down',
  },
};

/** The event an audit entry raises, or `null` when it is stored only. */
export function eventForAuditEntry(resourceType: string, action: string): SubscribableEvent | null {
  // Own properties only: `toString` or `constructor` must not match the prototype.
  if (!Object.hasOwn(EVENT_BY_AUDIT_ACTION, resourceType)) return null;
  const actions = EVENT_BY_AUDIT_ACTION[resourceType] as Readonly<Record<string, SubscribableEvent>>;
  return Object.hasOwn(actions, action) ? (actions[action] ?? null) : null;
}

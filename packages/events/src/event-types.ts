import { z } from 'zod';

/**
 * Every subscribable event: what raises it (an audit entry's resource type and
 * action), a one-line description, and the shape of its `metadata`. The list of
 * event types, the audit mapping, the payload schemas and the published
 * catalog are all derived from this one table, so they cannot disagree.
 */
export const EVENT_DEFINITIONS = {
  'capsule.created': {
    resourceType: 'sandbox',
    action: 'create',
    description: 'A capsule (sandbox) was created.',
    metadata: z.looseObject({
      template: z.unknown().optional().meta({ description: 'The template the capsule started from, as reported.' }),
    }),
  },
  'capsule.running': {
    resourceType: 'sandbox',
    action: 'resume',
    description: 'A paused capsule was resumed and is running again.',
    metadata: z.looseObject({}),
  },
  'capsule.paused': {
    resourceType: 'sandbox',
    action: 'pause',
    description: 'A capsule was paused, by a user or automatically by the platform.',
    metadata: z.looseObject({}),
  },
  'capsule.destroyed': {
    resourceType: 'sandbox',
    action: 'destroy',
    description: 'A capsule was destroyed.',
    metadata: z.looseObject({}),
  },
  'template.snapshot.created': {
    resourceType: 'snapshot',
    action: 'create',
    description: 'A template snapshot was created.',
    metadata: z.looseObject({}),
  },
  'template.snapshot.deleted': {
    resourceType: 'snapshot',
    action: 'delete',
    description: 'A template snapshot was deleted.',
    metadata: z.looseObject({}),
  },
  'host.up': {
    resourceType: 'host',
    action: 'marked_up',
    description: 'A host came back online.',
    metadata: z.looseObject({}),
  },
  'host.down': {
    resourceType: 'host',
    action: 'marked_down',
    description: 'A host became unreachable.',
    metadata: z.looseObject({}),
  },
  'channel.disabled': {
    resourceType: 'channel',
    action: 'auto_disable',
    description:
      "One of the team's channels was disabled by the service after its destination kept refusing deliveries; sent to the team's other channels.",
    metadata: z.looseObject({
      name: z.string().meta({ description: 'The disabled channel’s name.' }),
      provider: z.string().meta({ description: 'Its provider (`slack`, `webhook`, …).' }),
      reason: z.string().meta({ description: 'Why it was disabled (the last answer, without secrets).' }),
    }),
  },
} as const satisfies Record<string, EventDefinition>;

/** One row of {@link EVENT_DEFINITIONS}. */
export interface EventDefinition {
  /** The audit entry's `resource_type`, also the payload's `resource.type`. */
  resourceType: string;
  action: string;
  description: string;
  metadata: z.ZodType<Record<string, unknown>>;
}

export type SubscribableEvent = keyof typeof EVENT_DEFINITIONS;

/** Events a channel can subscribe to, in catalog order (the order `GET /v1/event-types` lists them). */
export const EVENT_TYPES = Object.keys(EVENT_DEFINITIONS) as [SubscribableEvent, ...SubscribableEvent[]];

/** Every event name, including the one only test sends use. */
export type EventType = SubscribableEvent | 'channel.test';

export function isSubscribableEvent(value: unknown): value is SubscribableEvent {
  return typeof value === 'string' && Object.hasOwn(EVENT_DEFINITIONS, value);
}

/** Audit entries (`resource_type` → `action` → event) that become events. */
const EVENT_BY_AUDIT_ACTION: ReadonlyMap<string, ReadonlyMap<string, SubscribableEvent>> = (() => {
  const byResource = new Map<string, Map<string, SubscribableEvent>>();
  for (const type of EVENT_TYPES) {
    const { resourceType, action } = EVENT_DEFINITIONS[type];
    const actions = byResource.get(resourceType) ?? new Map<string, SubscribableEvent>();
    actions.set(action, type);
    byResource.set(resourceType, actions);
  }
  return byResource;
})();

/** The event an audit entry raises, or `null` when it is stored only. */
export function eventForAuditEntry(resourceType: string, action: string): SubscribableEvent | null {
  // A Map, so `toString` or `constructor` never match an object's prototype.
  return EVENT_BY_AUDIT_ACTION.get(resourceType)?.get(action) ?? null;
}

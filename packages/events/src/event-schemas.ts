import { z } from 'zod';
import type { ActorType, EventPayload } from './event-payload';
import { EVENT_DEFINITIONS, EVENT_TYPES, type SubscribableEvent } from './event-types';

const Actor = z
  .object({
    type: z.enum(['user', 'api_key', 'system']).meta({ description: 'Who did it; `system` for the platform itself.' }),
    id: z.string().optional().meta({ description: '`usr-…` or `key-…`; omitted when empty.' }),
    name: z.string().optional().meta({ description: 'Display name; omitted when empty.' }),
  })
  .meta({ description: 'Who caused the event.' });

/** Events the service raises itself are always by the system. */
const SystemActor = z.object({ type: z.literal('system') }).meta({ description: 'The service itself.' });

const SYSTEM_EVENTS: ReadonlySet<SubscribableEvent> = new Set(['channel.disabled']);

function payloadSchemaOf<T extends SubscribableEvent>(type: T) {
  const definition = EVENT_DEFINITIONS[type];
  return z
    .object({
      id: z
        .string()
        .regex(/^evt-[0-9a-z]{25}$/)
        .meta({ description: 'The event id; the same for every channel it goes to.' }),
      event: z.literal(type),
      timestamp: z
        .string()
        .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
        .meta({ format: 'date-time', description: 'When it happened, RFC 3339 UTC, second precision.' }),
      team_id: z.string().regex(/^team-[0-9a-z]{25}$/),
      actor: SYSTEM_EVENTS.has(type) ? SystemActor : Actor,
      resource: z.object({
        id: z.string().meta({ description: 'The resource’s id (`cl-…`, `host-…`, `ch-…`, a snapshot name…).' }),
        type: z.literal(definition.resourceType),
        url: z
          .url()
          .optional()
          .meta({ description: 'The resource on the Wrenn dashboard, when the operator configured links.' }),
      }),
      metadata: definition.metadata,
    })
    .meta({ title: type, description: definition.description });
}

/** The zod schema of each subscribable event's payload (the webhook body). */
export const EVENT_PAYLOAD_SCHEMAS = Object.fromEntries(EVENT_TYPES.map((type) => [type, payloadSchemaOf(type)])) as {
  [T in SubscribableEvent]: ReturnType<typeof payloadSchemaOf<T>>;
};

export interface EventPayloadInput {
  /** `evt-…` */
  id: string;
  event: SubscribableEvent;
  timestamp: string;
  teamId: string;
  actor: { type: ActorType; id?: string | undefined; name?: string | undefined };
  resourceId: string;
  metadata: Record<string, unknown>;
}

/**
 * Builds an event's payload from its definition: the resource type comes from
 * the definition, empty actor fields are left out, and an event the service
 * raises itself is by the system. The published catalog is generated from the
 * same definitions.
 */
export function buildEventPayload(input: EventPayloadInput): EventPayload {
  const { actor } = input;
  return {
    id: input.id,
    event: input.event,
    timestamp: input.timestamp,
    team_id: input.teamId,
    actor: SYSTEM_EVENTS.has(input.event)
      ? { type: 'system' }
      : { type: actor.type, ...(actor.id ? { id: actor.id } : {}), ...(actor.name ? { name: actor.name } : {}) },
    resource: { id: input.resourceId, type: EVENT_DEFINITIONS[input.event].resourceType },
    metadata: input.metadata,
  };
}

/** One entry of `GET /v1/event-types`. */
export interface EventCatalogEntry {
  name: SubscribableEvent;
  description: string;
  /** JSON Schema (draft 2020-12) of the payload; objects allow fields added in later versions. */
  schema: Record<string, unknown>;
}

/** Every subscribable event with its description and the JSON Schema of its payload. */
export function eventCatalog(): EventCatalogEntry[] {
  return EVENT_TYPES.map((name) => ({
    name,
    description: EVENT_DEFINITIONS[name].description,
    schema: z.toJSONSchema(EVENT_PAYLOAD_SCHEMAS[name], { target: 'draft-2020-12', io: 'input' }) as Record<
      string,
      unknown
    >,
  }));
}

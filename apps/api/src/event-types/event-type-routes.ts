import { eventCatalog } from '@wrenn/events';
import { z } from 'zod';
import { USER_ROUTE_ERRORS } from '../http/error-response';
import type { RouteRegistry } from '../http/route';

/** `GET /v1/event-types`: the catalog, generated from the definitions that build the payloads. */
export const EventTypeList = z.strictObject({
  items: z.array(
    z.strictObject({
      name: z.string().meta({ examples: ['capsule.created'] }),
      description: z.string().meta({ description: 'One line saying when the event is sent.' }),
      schema: z
        .record(z.string(), z.unknown())
        .meta({ description: 'JSON Schema (draft 2020-12) of the event payload, the body a webhook receives.' }),
    }),
  ),
});
export type EventTypeList = z.infer<typeof EventTypeList>;

/** The catalog of subscribable events, with each payload's JSON schema. */
export function registerEventTypeRoutes(registry: RouteRegistry): void {
  // Built once: it changes only with the code.
  const catalog: EventTypeList = { items: eventCatalog() };
  registry.add({
    method: 'get',
    path: '/v1/event-types',
    summary: 'List every event a channel can subscribe to, with the JSON Schema of its payload',
    tag: 'event-types',
    auth: 'user',
    responses: {
      200: {
        description:
          'Every subscribable event, with a one-line description and the JSON Schema of its payload. A channel ' +
          'subscribes to these names or to patterns over them: `*`, or a dotted prefix followed by `.*`.',
        schema: EventTypeList,
      },
      ...USER_ROUTE_ERRORS,
    },
    async handler({ res }) {
      res.json(catalog);
    },
  });
}

import { compileFilter } from '@wrenn/channel-rules';
import { formatId, rfc3339 } from '@wrenn/events';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { BODY_ROUTE_ERRORS, errorResponse } from '../http/error-response';
import type { RouteRegistry } from '../http/route';
import { ChannelPathParams, FilterField } from './channel-schemas';
import { requireChannel } from './require-channel';

/** Events a preview tries the filter on: the channel's latest. */
const PREVIEW_EVENTS = 20;

const FilterPreviewBody = z.strictObject(
  { filter: FilterField.unwrap() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? 'only `filter` is allowed' : 'must be {"filter": "…"}') },
);

const FilterPreviewItem = z.strictObject({
  event_id: z.string(),
  event: z.string(),
  created_at: z.string().meta({ format: 'date-time' }),
  delivered: z.boolean().meta({ description: 'Whether the filter lets this event through to the channel.' }),
  error: z
    .string()
    .nullable()
    .meta({ description: 'Why the evaluation failed (a missing key…): such an event is not delivered.' }),
  payload: z.record(z.string(), z.unknown()).meta({ description: 'The event as a webhook receives it.' }),
});

const FilterPreview = z.strictObject({ items: z.array(FilterPreviewItem) });
type FilterPreview = z.infer<typeof FilterPreview>;

/**
 * `POST /v1/channels/{id}/filter-preview`: the portal's "Try it". Runs a filter
 * against the latest events the channel is subscribed to (whatever its current
 * filter let through), stores nothing.
 */
export function registerFilterPreviewRoute(registry: RouteRegistry, deps: ApiDeps): void {
  registry.add({
    method: 'post',
    path: '/v1/channels/:id/filter-preview',
    summary: "Try a filter on the channel's latest 20 events",
    tag: 'channels',
    auth: 'user',
    params: ChannelPathParams,
    body: FilterPreviewBody,
    responses: {
      200: {
        description: `The channel's latest ${PREVIEW_EVENTS} subscribed events, newest first, each with whether the filter would deliver it`,
        schema: FilterPreview,
      },
      400: errorResponse('Malformed id, or a filter that does not parse or type-check (`invalid_request`)'),
      404: errorResponse('No channel with this id in your team (`not_found`)'),
      ...BODY_ROUTE_ERRORS,
    },
    async handler({ params, body, auth, res }) {
      const channel = await requireChannel(deps.db, auth.teamUuid, params.id);
      const { rows } = await sql<{
        id: string;
        event_type: string;
        payload: Record<string, unknown>;
        created_at: Date;
      }>`
        SELECT id, event_type, payload, created_at FROM events
        WHERE team_id = ${channel.team_id}::uuid
          AND ${channel.event_types}::text[] && event_subscription_keys(event_type)
          AND channel_id IS DISTINCT FROM ${channel.id}::uuid
        ORDER BY created_at DESC, id DESC
        LIMIT ${PREVIEW_EVENTS}
      `.execute(deps.db);
      const filter = compileFilter(body.filter);
      const answer: FilterPreview = {
        items: rows.map((row) => {
          const verdict = filter(row.payload);
          return {
            event_id: formatId('event', row.id),
            event: row.event_type,
            created_at: rfc3339(row.created_at),
            delivered: verdict.kind === 'pass',
            error: verdict.kind === 'error' ? verdict.message : null,
            payload: row.payload,
          };
        }),
      };
      res.json(answer);
    },
  });
}

import { checkSubscription, EVENT_TYPES, type IdKind, parseId, subscriptionPatterns } from '@wrenn/events';
import { z } from 'zod';
import { pageSchema } from '../http/page';

// Schemas of the delivery log routes: the same definitions validate requests and document them in OpenAPI.

function idParam(kind: IdKind, prefix: string, label: string) {
  const message = `must be a ${label} id (${prefix} followed by 25 base-36 characters)`;
  return z.string({ error: message }).transform((id, ctx) => {
    const uuid = parseId(kind, id);
    if (uuid) return uuid;
    ctx.addIssue({ code: 'custom', message, input: id });
    return z.NEVER;
  });
}

export const ChannelDeliveriesParams = z.object({ id: idParam('channel', 'ch-', 'channel') });

export const DeliveryParams = z.object({
  id: idParam('channel', 'ch-', 'channel'),
  dlv: idParam('delivery', 'dlv-', 'delivery'),
});

const LIMIT_MESSAGE = 'must be a whole number from 1 to 100';
const RFC3339 = /^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/;
const SINCE_MESSAGE = 'must be an RFC 3339 date-time such as 2026-04-09T11:06:06Z';

/** An RFC 3339 date-time (a real one: `2026-02-30T…` is refused), as a `Date`. */
function dateTime(required: boolean) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined && required ? `is required (${SINCE_MESSAGE.slice(8)})` : SINCE_MESSAGE,
    })
    .regex(RFC3339, SINCE_MESSAGE)
    .transform((text, ctx) => {
      const upper = text.toUpperCase();
      const at = new Date(upper);
      // `Date` rolls 2026-02-30 over to March: the calendar date must survive the round trip in UTC.
      const sameDay = !Number.isNaN(at.getTime()) && sameCalendarDate(upper, at);
      if (sameDay) return at;
      ctx.addIssue({ code: 'custom', message: SINCE_MESSAGE, input: text });
      return z.NEVER;
    });
}

function sameCalendarDate(text: string, at: Date): boolean {
  const offset = /([+-])(\d\d):(\d\d)$/.exec(text);
  const minutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  const local = new Date(at.getTime() + minutes * 60_000);
  return local.toISOString().slice(0, 10) === text.slice(0, 10);
}

const EVENT_FILTER_MESSAGE = `must be an event type (${EVENT_TYPES.join(', ')}) or a pattern (${subscriptionPatterns().join(', ')})`;

export const DeliveryListQuery = z
  .object({
    limit: z.coerce
      .number({ error: LIMIT_MESSAGE })
      .int(LIMIT_MESSAGE)
      .min(1, LIMIT_MESSAGE)
      .max(100, LIMIT_MESSAGE)
      .default(50)
      .meta({ description: 'Page size, 1–100 (default 50).' }),
    before: idParam('delivery', 'dlv-', 'delivery').optional().meta({
      description:
        "Cursor: the `next_before` of the previous page (the id of its oldest delivery). Returns older deliveries; an id that is not one of this channel's yields an empty page. Pass the same filters again.",
    }),
    status: z
      .enum(['pending', 'succeeded', 'failed'], { error: 'must be one of pending, succeeded, failed' })
      .optional()
      .meta({ description: 'Only deliveries in this status.' }),
    event: z
      .string({ error: EVENT_FILTER_MESSAGE })
      .refine((value) => checkSubscription(value).ok, EVENT_FILTER_MESSAGE)
      .optional()
      .meta({ description: 'Only deliveries of this event type, or of the types a pattern (`host.*`, `*`) covers.' }),
    since: dateTime(false)
      .optional()
      .meta({ format: 'date-time', description: 'Only deliveries created at or after this moment (RFC 3339).' }),
    until: dateTime(false)
      .optional()
      .meta({ format: 'date-time', description: 'Only deliveries created before this moment (RFC 3339).' }),
  })
  .refine((q) => !(q.since && q.until) || q.since < q.until, {
    message: 'must be later than `since`',
    path: ['until'],
  });
export type DeliveryListQuery = z.output<typeof DeliveryListQuery>;

export const Delivery = z.strictObject({
  id: z
    .string()
    .meta({ examples: ['dlv-0a1b2c3d4e5f6g7h8i9j0k1l2'], description: 'Stable across retries and redeliveries.' }),
  event_id: z.string().meta({ examples: ['evt-0a1b2c3d4e5f6g7h8i9j0k1l2'] }),
  event: z.string().meta({ examples: ['capsule.created'] }),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int().meta({ description: 'Attempts so far, redeliveries included.' }),
  last_status_code: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'HTTP status of the last attempt; null without an answer.' }),
  last_error: z.string().nullable().meta({ description: 'The last failure, summarised; never contains a secret.' }),
  created_at: z.string().meta({ format: 'date-time' }),
  updated_at: z.string().meta({ format: 'date-time' }),
  delivered_at: z.string().nullable().meta({ format: 'date-time', description: 'When an attempt last succeeded.' }),
  ready_at: z.string().nullable().meta({
    format: 'date-time',
    description:
      'A pending delivery is not sent before this time: a retry delay, a rate-limit pause or quiet hours. Null once settled.',
  }),
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryAttempt = z.strictObject({
  attempt: z.number().int().meta({ description: 'Its number over the delivery’s whole life, from 1.' }),
  at: z.string().meta({ format: 'date-time', description: 'When the answer (or its absence) was recorded.' }),
  outcome: z.enum(['succeeded', 'retry', 'rate_limited', 'failed']).meta({
    description:
      '`retry`: failed, another attempt follows; `rate_limited`: a 429, the destination is paused and no attempt of the schedule is used; `failed`: the delivery’s last attempt of its run, or a permanent failure.',
  }),
  status_code: z.number().int().nullable().meta({ description: 'HTTP status; null without an answer.' }),
  latency_ms: z.number().int(),
  error: z.string().nullable().meta({ description: 'The failure, as printable text without secrets.' }),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

/** `GET /v1/channels/{id}/deliveries/{dlv}`: `attempts` is the list itself here, not a count. */
export const DeliveryDetail = Delivery.omit({ attempts: true }).extend({
  payload: z
    .record(z.string(), z.unknown())
    .meta({ description: 'The event as a webhook receives it (the JSON body, before any per-send additions).' }),
  attempts: z.array(DeliveryAttempt).meta({
    description:
      'Every attempt, oldest first. A chat message that carried several deliveries shows as an attempt of each.',
  }),
});
export type DeliveryDetail = z.infer<typeof DeliveryDetail>;

export const DeliveryPage = pageSchema(Delivery);
export type DeliveryPage = z.infer<typeof DeliveryPage>;

/** `POST /v1/channels/{id}/deliveries/retry`. */
export const BulkRetryBody = z.strictObject(
  {
    since: z
      .string({
        error: (issue) => (issue.input === undefined ? `is required (${SINCE_MESSAGE.slice(8)})` : SINCE_MESSAGE),
      })
      .regex(RFC3339, SINCE_MESSAGE)
      .transform((text, ctx) => {
        const at = new Date(text.toUpperCase());
        if (!Number.isNaN(at.getTime())) return at;
        ctx.addIssue({ code: 'custom', message: SINCE_MESSAGE, input: text });
        return z.NEVER;
      })
      .meta({ format: 'date-time', description: 'Deliveries created at or after this moment (RFC 3339).' }),
    status: z
      .literal('failed', { error: 'must be "failed" (the only status that can be recovered)' })
      .default('failed')
      .meta({ description: 'Which deliveries: only `failed` (the default).' }),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${(issue.keys as string[]).map((k) => JSON.stringify(k)).join(', ')} (allowed: since, status)`
        : 'must be a JSON object',
  },
);
export type BulkRetryBody = z.output<typeof BulkRetryBody>;

export const BulkRetryResult = z.strictObject({
  count: z.number().int().meta({ description: 'Deliveries that were redelivered (each gets a new set of attempts).' }),
});
export type BulkRetryResult = z.infer<typeof BulkRetryResult>;

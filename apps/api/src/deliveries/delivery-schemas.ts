import { type IdKind, parseId } from '@wrenn/events';
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

export const DeliveryListQuery = z.object({
  limit: z.coerce
    .number({ error: LIMIT_MESSAGE })
    .int(LIMIT_MESSAGE)
    .min(1, LIMIT_MESSAGE)
    .max(100, LIMIT_MESSAGE)
    .default(50)
    .meta({ description: 'Page size, 1–100 (default 50).' }),
  before: idParam('delivery', 'dlv-', 'delivery').optional().meta({
    description:
      "Cursor: the `next_before` of the previous page (the id of its oldest delivery). Returns older deliveries; an id that is not one of this channel's yields an empty page.",
  }),
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
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryPage = pageSchema(Delivery);
export type DeliveryPage = z.infer<typeof DeliveryPage>;

const RFC3339 = /^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)$/;
const SINCE_MESSAGE = 'must be an RFC 3339 date-time such as 2026-04-09T11:06:06Z';

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

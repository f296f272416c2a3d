import { type IdKind, parseId } from '@wrenn/events';
import { z } from 'zod';

// Schemas of the delivery log routes (CONTRACT 4.3): they validate and document.

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

export const DeliveryPage = z.strictObject({
  items: z.array(Delivery).meta({ description: 'Newest first.' }),
  next_before: z
    .string()
    .nullable()
    .meta({ description: 'Pass as `before` for the next page; `null` on the last page.' }),
});
export type DeliveryPage = z.infer<typeof DeliveryPage>;

import { parseId } from '@wrenn/events';
import { z } from 'zod';
import { pageSchema } from '../http/page';

// Schemas of GET /v1/audit-logs: they validate the query and document the route.

const LOG_ID_PATTERN = /^log-[0-9a-z]{25}$/;
const LOG_ID_MESSAGE = 'must be an audit log id (log- followed by 25 base-36 characters), as returned in next_before';

const filter = (what: string) =>
  z
    .string({ error: 'must be given once, as a string' })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .refine((v) => !v.includes('\u0000'), 'must not contain U+0000')
    .optional()
    .meta({ description: `Only entries with this ${what}.` });

/** `GET /v1/audit-logs` query: page size, cursor and filters. */
export const AuditLogQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(50)
    .meta({ description: 'Page size, 1–100 (default 50).' }),
  before: z
    .string({ error: LOG_ID_MESSAGE })
    .regex(LOG_ID_PATTERN, LOG_ID_MESSAGE)
    .transform((id, ctx) => {
      const uuid = parseId('auditLog', id);
      if (uuid) return uuid;
      ctx.addIssue({ code: 'custom', message: LOG_ID_MESSAGE, input: id });
      return z.NEVER;
    })
    .optional()
    .meta({
      description:
        'Cursor: the `next_before` of the previous page (the id of its oldest entry). Returns entries older than that one; an id that is not in your audit log yields an empty page.',
    }),
  resource_type: filter('resource type (e.g. `channel`, `sandbox`)'),
  action: filter('action (e.g. `create`, `delete`)'),
});
export type AuditLogQuery = z.output<typeof AuditLogQuery>;

/** One audit entry, in the shape the platform's own audit log uses. */
export const AuditLogItem = z.strictObject({
  id: z.string().meta({ examples: ['log-0a1b2c3d4e5f6g7h8i9j0k1l2'] }),
  actor_type: z.string().meta({ description: '`user`, `api_key` or `system`' }),
  actor_id: z.string().optional().meta({ description: 'Omitted when empty.' }),
  actor_name: z.string().optional().meta({ description: 'Omitted when empty.' }),
  resource_type: z.string(),
  resource_id: z.string().optional().meta({ description: 'Omitted when empty.' }),
  action: z.string(),
  scope: z.enum(['team', 'admin']).meta({ description: '`admin` entries are listed for owners and admins only.' }),
  status: z.string().meta({ description: '`success`, `info`, `warning` or `error`' }),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string().meta({ format: 'date-time' }),
});
export type AuditLogItem = z.infer<typeof AuditLogItem>;

/** A page of entries and the cursor of the next one. */
export const AuditLogPage = pageSchema(AuditLogItem);
export type AuditLogPage = z.infer<typeof AuditLogPage>;

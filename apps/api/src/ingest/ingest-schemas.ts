import { isId } from '@wrenn/events';
import { z } from 'zod';

// Schemas of POST /internal/v1/audit (CONTRACT 4.5).

/** Entries per request. */
export const MAX_INGEST_ENTRIES = 500;

/** Long strings are stored and truncated by the renderers, but one field never exceeds 64 KB. */
const MAX_STRING = 64 * 1024;

const text = z.string({ error: 'must be a string' }).max(MAX_STRING, 'must be at most 65536 characters');
const required = z
  .string({ error: 'is required and must be a string' })
  .min(1, 'must not be empty')
  .max(MAX_STRING, 'must be at most 65536 characters');
/** Optional strings: `null` counts as absent, as JSON encoders of optional fields often send it. */
const optionalText = text.nullish().transform((v) => v ?? undefined);

const AuditActorInput = z.strictObject(
  {
    type: z.enum(['user', 'api_key', 'system'], { error: 'must be one of user, api_key, system' }),
    id: optionalText.meta({ description: '`usr-…` or `key-…`; omitted for the system.' }),
    name: optionalText,
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : 'must be an object',
  },
);

export const AuditEntryInput = z.strictObject(
  {
    team_id: z
      .string({ error: 'is required and must be a team id (team-…)' })
      .refine((v) => isId('team', v), 'must be a team id (team- followed by 25 base-36 characters)'),
    actor: AuditActorInput,
    resource_type: required.meta({ examples: ['sandbox', 'snapshot', 'host'] }),
    resource_id: optionalText.meta({ examples: ['cl-0a1b2c3d4e5f6g7h8i9j0k1l2'] }),
    action: required.meta({ examples: ['create', 'pause', 'marked_down'] }),
    scope: z
      .enum(['team', 'admin'], { error: 'must be team or admin' })
      .nullish()
      .transform((v) => v ?? undefined)
      .meta({ description: 'Default `team`.' }),
    status: z
      .enum(['success', 'info', 'warning', 'error'], { error: 'must be one of success, info, warning, error' })
      .nullish()
      .transform((v) => v ?? undefined)
      .meta({ description: 'Default `success`.' }),
    metadata: z
      .record(z.string(), z.unknown(), { error: 'must be an object' })
      .nullish()
      .transform((v) => v ?? undefined),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : 'must be an object',
  },
);
export type AuditEntryInput = z.output<typeof AuditEntryInput>;

/**
 * The request body as documented: one entry or an array of 1–500. Validation
 * goes through `parseIngestBody`, which names the failing entry's index.
 */
export const IngestBodyDoc = z.union([AuditEntryInput, z.array(AuditEntryInput).min(1).max(MAX_INGEST_ENTRIES)]);

export const IngestAccepted = z.strictObject({
  ids: z.array(z.string()).meta({ description: 'The new audit log ids (`log-…`), in input order.' }),
});

export type IngestParse = { ok: true; entries: AuditEntryInput[] } | { ok: false; message: string };

function describe(error: z.ZodError, where: string): string {
  const issue = error.issues[0];
  if (!issue) return `${where} is invalid`;
  const field = issue.path.map(String).join('.');
  return `${field ? `${where}.${field}` : where}: ${issue.message}`;
}

/** Validates a body: one entry or an array of 1–500, every entry strictly. */
export function parseIngestBody(body: unknown): IngestParse {
  if (Array.isArray(body)) {
    if (body.length === 0) return { ok: false, message: 'body must hold at least one entry' };
    if (body.length > MAX_INGEST_ENTRIES) {
      return { ok: false, message: `body holds ${body.length} entries; at most ${MAX_INGEST_ENTRIES} per request` };
    }
    const entries: AuditEntryInput[] = [];
    for (const [index, item] of body.entries()) {
      const result = AuditEntryInput.safeParse(item);
      if (!result.success) return { ok: false, message: describe(result.error, `body[${index}]`) };
      entries.push(result.data);
    }
    return { ok: true, entries };
  }
  if (typeof body !== 'object' || body === null) {
    return { ok: false, message: 'body must be an audit entry or an array of 1 to 500 entries' };
  }
  const result = AuditEntryInput.safeParse(body);
  return result.success ? { ok: true, entries: [result.data] } : { ok: false, message: describe(result.error, 'body') };
}

import { isId } from '@wrenn/events';
import { z } from 'zod';
import { describeIssue } from '../http/describe-issue';

// Schemas of POST /internal/v1/audit: the entries the platform reports, strictly checked.

/** Entries per request. */
export const MAX_INGEST_ENTRIES = 500;

/**
 * JSON allows U+0000 and unpaired surrogates, PostgreSQL's text and jsonb do
 * not: such strings are refused here rather than failing at the database.
 * Length is bounded only by the body limit; renderers truncate.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isStorable = (value: string) => !value.includes('\u0000') && !UNPAIRED_SURROGATE.test(value);
const UNSTORABLE_MESSAGE = 'must not contain U+0000 or unpaired surrogate characters';
/** Nesting levels of `metadata`, which PostgreSQL's jsonb parser also bounds. */
const MAX_METADATA_DEPTH = 64;

const text = z.string({ error: 'must be a string' }).refine(isStorable, UNSTORABLE_MESSAGE);
const required = z
  .string({ error: 'is required and must be a string' })
  .min(1, 'must not be empty')
  .refine(isStorable, UNSTORABLE_MESSAGE);
/** Optional strings: `null` counts as absent, as JSON encoders of optional fields often send it. */
const optionalText = text.nullish().transform((v) => v ?? undefined);

/** The first problem that would keep a metadata value out of jsonb, walked without recursion. */
function metadataProblem(metadata: Record<string, unknown>): string | null {
  const stack: Array<[value: unknown, depth: number]> = [[metadata, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value === 'string') {
      if (!isStorable(value)) return UNSTORABLE_MESSAGE;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_METADATA_DEPTH) return `must not nest deeper than ${MAX_METADATA_DEPTH} levels`;
    for (const [key, item] of Object.entries(value)) {
      if (!isStorable(key)) return `keys ${UNSTORABLE_MESSAGE}`;
      stack.push([item, depth + 1]);
    }
  }
  return null;
}

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
      .superRefine((metadata, ctx) => {
        const problem = metadataProblem(metadata);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: metadata });
      })
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
export type IngestAccepted = z.infer<typeof IngestAccepted>;

/** The optional `Idempotency-Key` header: 1–255 visible ASCII characters. */
export const IngestHeaders = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7E]{1,255}$/, 'must be 1 to 255 visible ASCII characters (no spaces)')
    .optional()
    .meta({
      description:
        'Makes retries safe: a request repeating a key seen in the last 24 hours gets the first answer (`202`, the same `ids`) whatever its body, and stores nothing new. 1–255 visible ASCII characters; a UUID per logical request is a good choice.',
      examples: ['5f0c2a4e-8d1b-4c7e-9a3f-2b6d8e1f4a90'],
    }),
  traceparent: z
    .string()
    .optional()
    .meta({
      description:
        'W3C Trace Context of the caller. Kept with each event: the ingest, fan-out and delivery spans join this trace, and every webhook request carries a `traceparent` of it. An invalid value is ignored, as the specification asks.',
      examples: ['00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    }),
});

export type IngestParse = { ok: true; entries: AuditEntryInput[] } | { ok: false; message: string };

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
      if (!result.success) return { ok: false, message: describeIssue(result.error, `body[${index}]`) };
      entries.push(result.data);
    }
    return { ok: true, entries };
  }
  if (typeof body !== 'object' || body === null) {
    return { ok: false, message: 'body must be an audit entry or an array of 1 to 500 entries' };
  }
  const result = AuditEntryInput.safeParse(body);
  return result.success
    ? { ok: true, entries: [result.data] }
    : { ok: false, message: describeIssue(result.error, 'body') };
}

import { isEncryptionKey } from '@wrenn/crypto';
import { z } from 'zod';

/** A boolean variable: `true/1/yes/on` or `false/0/no/off`; anything else is an error, not `true`. */
export const envBoolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''].includes(v), {
    message: 'must be true or false',
  })
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const DURATION = /^(\d+)(ms|s|m|h)$/;
const DURATION_UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** `1500` → `1.5s`, `120000` → `2m`: bounds read back in the unit an operator would write. */
function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** A duration like `500ms`, `10s`, `2m` or `1h`, in milliseconds, between `min` and `max`. */
export function envDuration(bounds: { min: number; max: number }) {
  return z.string().transform((text, ctx) => {
    const match = DURATION.exec(text.trim());
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration like 500ms, 10s or 2m' });
      return z.NEVER;
    }
    const ms = Number(match[1]) * DURATION_UNIT_MS[match[2] as keyof typeof DURATION_UNIT_MS];
    if (ms < bounds.min || ms > bounds.max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be between ${formatDuration(bounds.min)} and ${formatDuration(bounds.max)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

/** A whole number between `min` and `max`. */
export function envInteger(bounds: { min: number; max: number }) {
  const message = `must be a whole number from ${bounds.min} to ${bounds.max}`;
  return z.coerce.number({ message }).int(message).min(bounds.min, message).max(bounds.max, message);
}

export const envPort = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a port number')
  .min(0, 'must be a port number')
  .max(65535, 'must be a port number');

/** `WRENN_METRICS_PORT` must not be `PORT`: the two servers cannot share it. */
export function metricsPortDiffers(
  env: { PORT: number; WRENN_METRICS_PORT?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (env.WRENN_METRICS_PORT !== undefined && env.WRENN_METRICS_PORT !== 0 && env.WRENN_METRICS_PORT === env.PORT) {
    ctx.addIssue({ code: 'custom', path: ['WRENN_METRICS_PORT'], message: 'must differ from PORT' });
  }
}

export const encryptionKey = z
  .string({ message: 'must be set (64 hex characters)' })
  .refine(isEncryptionKey, { message: 'must be 64 hex characters' });

export const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), { message: 'must be an http(s) URL' });

/**
 * Parses the environment once. On a missing or malformed variable the process
 * stops with one line naming it (`WRENN_ENCRYPTION_KEY must be 64 hex characters`).
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // Empty strings count as unset so `VAR=` falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = issue?.path.join('.') || 'environment';
  process.stderr.write(`${name} ${issue?.message ?? 'is invalid'}\n`);
  process.exit(1);
}

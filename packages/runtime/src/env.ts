import type { z } from 'zod';

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

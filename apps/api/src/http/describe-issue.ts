import type { z } from 'zod';

/** The first problem of a failed validation, phrased for the user: `body.name: must be …`. */
export function describeIssue(error: z.ZodError, where: string): string {
  const issue = error.issues[0];
  if (!issue) return `invalid ${where}`;
  const field = issue.path.map(String).join('.');
  return `${field ? `${where}.${field}` : where}: ${issue.message}`;
}

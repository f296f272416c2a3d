import { ApiError } from '../api/client';

/** Which form field an API error concerns: `name`, `events`, `config.<key>`, or null for the whole form. */
export function fieldOfError(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const message = error.message;
  const config = /\bconfig\.([a-z_]+)/.exec(message);
  if (config) return `config.${config[1]}`;
  if (/^body\.name\b/.test(message) || /channel named/.test(message)) return 'name';
  if (/^body\.events\b/.test(message) || /\bpattern\b/.test(message)) return 'events';
  return null;
}

/** The message to show for an error, phrased for a person. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message.replace(/^body\.[a-z_]+(\.\d+)?: /, '');
  return error instanceof Error ? error.message : String(error);
}

/** The error of one field, or null: forms render it next to the field with `aria-describedby`. */
export function errorFor(error: unknown, field: string): string | null {
  return error && fieldOfError(error) === field ? messageOf(error) : null;
}

/** The error no field claims, shown at the top of the form. */
export function formError(error: unknown): string | null {
  return error && fieldOfError(error) === null ? messageOf(error) : null;
}

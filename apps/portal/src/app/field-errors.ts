import { ApiError } from '../api/client';

/**
 * Which form field an API error concerns: `name`, `events`, `config.<key>`, or
 * null for the whole form. Config errors name their key (`config.url must…`,
 * `webhook_url must…`), so the keys of the provider shown are matched as words.
 */
export function fieldOfError(error: unknown, configKeys: readonly string[] = []): string | null {
  // Only a refused request concerns a field; a provider's answer to a test send concerns the whole config.
  if (!(error instanceof ApiError) || (error.code !== 'invalid_request' && error.code !== 'conflict')) return null;
  const message = error.message;
  const config = /\bconfig\.([a-z_]+)/.exec(message);
  if (config) return `config.${config[1]}`;
  if (/^body\.name\b/.test(message) || /channel named/.test(message)) return 'name';
  if (/^body\.(filter|quiet_hours)\b/.test(message))
    return message.startsWith('body.filter') ? 'filter' : 'quiet_hours';
  if (/^(body\.)?message_style\b/.test(message)) return 'message_style';
  if (/^body\.events\b/.test(message) || /\bpatterns?\b/.test(message)) return 'events';
  let first: { key: string; at: number } | null = null;
  for (const key of configKeys) {
    const at = message.search(new RegExp(`\\b${key}\\b`));
    if (at >= 0 && (first === null || at < first.at)) first = { key, at };
  }
  return first ? `config.${first.key}` : null;
}

/** The message to show for an error, phrased for a person. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message.replace(/^body\.[a-z_]+(\.\d+)?: /, '');
  return error instanceof Error ? error.message : String(error);
}

/** The error of one field, or null: forms render it next to the field with `aria-describedby`. */
export function errorFor(error: unknown, field: string, configKeys: readonly string[] = []): string | null {
  return error && fieldOfError(error, configKeys) === field ? messageOf(error) : null;
}

/** The error no field claims, shown at the top of the form. */
export function formError(error: unknown, configKeys: readonly string[] = []): string | null {
  return error && fieldOfError(error, configKeys) === null ? messageOf(error) : null;
}

/**
 * Scrubs provider credentials from free text (error messages, URLs) before it
 * reaches a log line, a response or a delivery row.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // Discord webhook token: /webhooks/{id}/{token}
  [/(\/webhooks\/\d+\/)[^/?#\s"']+/gi, '$1[redacted]'],
  // Slack incoming webhook: /services/T…/B…/{secret}
  [/(\/services\/[^/\s"']+\/[^/\s"']+\/)[^/?#\s"']+/gi, '$1[redacted]'],
  // Telegram bot token in the path: /bot{id}:{secret}
  [/(\/bot)\d+:[A-Za-z0-9_-]+/gi, '$1[redacted]'],
  // A bare Telegram token anywhere.
  [/\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g, '[redacted]'],
  // Query-string credentials: Teams/Power Automate sig, Google Chat key/token, access_token.
  [/([?&](?:sig|token|key|access_token|code|secret)=)[^&#\s"']+/gi, '$1[redacted]'],
  // Authorization headers and bearer tokens.
  [/(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]'],
  // Webhook secrets.
  [/whsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]'],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Redacts `text` and also removes any of the given known secret values verbatim. */
export function redactKnown(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return redactText(out);
}

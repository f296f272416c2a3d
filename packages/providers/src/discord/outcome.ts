import { MAX_RETRY_AFTER_MS } from '@wrenn/events';
import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import { classifyStatus } from '../outbound/status-class';
import type { SendOutcome } from '../provider';

type DiscordModule = typeof import('discord.js');

const MAX_REASON = 300;

/**
 * Maps what discord.js threw to an outcome. Its errors carry the request URL,
 * token included, so every reason is redacted with the token itself too.
 */
export function outcomeForDiscordError(
  err: unknown,
  discord: DiscordModule,
  secrets: { token: string; timeoutMs: number },
): SendOutcome {
  const clean = (text: string) => redactKnown(text, [secrets.token]).slice(0, MAX_REASON);

  if (err instanceof discord.RateLimitError) {
    const waitMs = Math.max(err.retryAfter, err.timeToReset);
    const scope = err.global ? 'global' : err.scope;
    if (waitMs <= 0) {
      // Cloudflare-style 429 without headers: let the retry schedule decide how long to wait.
      return { kind: 'retry', statusCode: 429, reason: 'Discord answered 429 without rate-limit headers' };
    }
    const retryAfterMs = Math.min(Math.ceil(waitMs), MAX_RETRY_AFTER_MS);
    return {
      kind: 'retry',
      statusCode: 429,
      reason: `Discord rate limit (${scope} scope), retry after ${(retryAfterMs / 1000).toFixed(1)} s`,
      retryAfterMs,
    };
  }
  if (err instanceof discord.DiscordAPIError) {
    const reason = clean(`Discord ${err.status} (code ${err.code}): ${err.message.replace(/\s+/g, ' ')}`);
    return classifyStatus(err.status) === 'permanent'
      ? { kind: 'permanent', statusCode: err.status, reason }
      : { kind: 'retry', statusCode: err.status, reason };
  }
  if (err instanceof discord.HTTPError) {
    return { kind: 'retry', statusCode: err.status, reason: clean(`Discord ${err.status}: ${err.message}`) };
  }
  const outcome = outcomeForError(err, secrets.timeoutMs);
  return outcome.kind === 'ok' ? outcome : { ...outcome, reason: clean(outcome.reason) };
}

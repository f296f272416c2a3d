import { MAX_RETRY_AFTER_MS } from '@wrenn/events';
import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import { causeForStatus, outcomeForStatus } from '../outbound/status-class';
import type { PermanentCause, SendOutcome } from '../provider';

type DiscordModule = typeof import('discord.js');

/** JSON error codes saying the webhook is gone: 10015 Unknown Webhook, 50027 Invalid Webhook Token. */
const DESTINATION_CODES = new Set([10015, 50027]);
/**
 * JSON error codes saying our message was refused: 50035 Invalid Form Body,
 * 50006 empty message, 40005 request entity too large.
 */
const MESSAGE_CODES = new Set([50035, 50006, 40005]);

/** Whose fault a permanent Discord answer is, by its JSON code first and its status second. */
export function discordCause(status: number, code: unknown): PermanentCause {
  const numeric = typeof code === 'number' ? code : Number(code);
  if (DESTINATION_CODES.has(numeric)) return 'destination';
  if (MESSAGE_CODES.has(numeric)) return 'message';
  return causeForStatus(status);
}

/**
 * Maps what discord.js threw to an outcome. Its errors carry the request URL,
 * token included, so every reason is redacted with the token itself too.
 */
export function outcomeForDiscordError(
  err: unknown,
  discord: DiscordModule,
  secrets: { token: string; timeoutMs: number },
): SendOutcome {
  const clean = (text: string) => redactKnown(text, [secrets.token]);

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
    return outcomeForStatus(err.status, reason, { cause: discordCause(err.status, err.code) });
  }
  if (err instanceof discord.HTTPError) {
    return { kind: 'retry', statusCode: err.status, reason: clean(`Discord ${err.status}: ${err.message}`) };
  }
  const outcome = outcomeForError(err, secrets.timeoutMs);
  return { ...outcome, reason: clean(outcome.reason) };
}

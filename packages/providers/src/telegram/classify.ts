import { redactKnown } from '@wrenn/runtime';
import { jsonObject } from '../outbound/json-object';
import type { OutboundResponse } from '../outbound/outbound-http';
import { parseRetryAfter, secondsToMs } from '../outbound/retry-after';
import { causeForStatus, outcomeForStatus } from '../outbound/status-class';
import type { PermanentCause, SendOutcome } from '../provider';

/** A Bot API answer: `{ok:true,result}` or `{ok:false,error_code,description,parameters}`. */
interface BotApiAnswer {
  ok?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

/** What one `sendMessage` came to; `migrate` means the group became a supergroup with a new id. */
export type TelegramResult = SendOutcome | { kind: 'migrate'; chatId: number };

/**
 * Descriptions saying the chat, the topic or the bot's place in it is gone:
 * "chat not found", "bot was blocked by the user", "bot was kicked from the
 * group chat", "bot is not a member of the channel chat", "message thread
 * not found", "not enough rights to send text messages", a deactivated user
 * or group.
 */
const DESTINATION_DESCRIPTIONS =
  /chat not found|bot was blocked|bot was kicked|bot is not a member|message thread not found|not enough rights|have no rights|user is deactivated|group chat was deactivated|peer_id_invalid/i;
/**
 * Descriptions saying the message we rendered was refused: "can't parse
 * entities", "can't parse JSON object", "message is too long", "message text
 * is empty", "text must be non-empty", "entities too long".
 */
const MESSAGE_DESCRIPTIONS =
  /can't parse entities|can not parse entities|can't parse JSON|message is too long|message text is empty|text must be non-empty|entities too long|unsupported parse_mode|wrong type of the web page content/i;

/** Whose fault a permanent Bot API answer is: its description first, then its status. */
export function telegramCause(status: number, description: string): PermanentCause {
  if (DESTINATION_DESCRIPTIONS.test(description)) return 'destination';
  if (MESSAGE_DESCRIPTIONS.test(description)) return 'message';
  return causeForStatus(status);
}

function describe(status: number, answer: BotApiAnswer, body: string): string {
  const text = typeof answer.description === 'string' ? answer.description : body.replace(/\s+/g, ' ').trim();
  return text ? `Telegram ${status}: ${text}` : `Telegram ${status}`;
}

/**
 * Classifies a Bot API answer. 429 waits for `parameters.retry_after`; a
 * migrated group is reported so the caller can resend; other 4xx ("chat not
 * found", "bot was blocked", a revoked token) are permanent; 5xx, 408, 425
 * and redirects from a misconfigured API base are retried.
 * The bot token is scrubbed from every reason.
 */
export function classifyTelegramResponse(response: OutboundResponse, botToken: string): TelegramResult {
  const { status } = response;
  const answer = jsonObject<BotApiAnswer>(response.body);
  if (status >= 200 && status < 300 && answer.ok === true) return { kind: 'ok', statusCode: status };
  const reason = redactKnown(describe(status, answer, response.body), [botToken]);
  const migrateTo = answer.parameters?.migrate_to_chat_id;
  if (status === 400 && typeof migrateTo === 'number' && Number.isSafeInteger(migrateTo)) {
    return { kind: 'migrate', chatId: migrateTo };
  }
  // A 2xx that is not `ok:true` says nothing was sent: retried.
  if (status >= 200 && status < 300) return { kind: 'retry', statusCode: status, reason };
  const description = typeof answer.description === 'string' ? answer.description : response.body;
  return outcomeForStatus(status, reason, {
    retryAfterMs: secondsToMs(answer.parameters?.retry_after) ?? parseRetryAfter(response.headers['retry-after']),
    cause: telegramCause(status, description),
  });
}

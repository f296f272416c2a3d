import type { ServerResponse } from 'node:http';
import { type ReceivedRequest, sendJson, startFakeServer } from './fake-server';
import { admit, limitersFor, type RateLimitsOption, type RateRule, slidingWindow, tokenBucket } from './rate-limiter';
import { createResponseScript, type ResponseScript, scriptControls, writeScripted } from './scripted-responses';
import { detectMentions, parseTelegramHtml, type TelegramEntity } from './telegram-html';

/** A chat the fake bot can post to. */
export interface FakeTelegramChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  /** Public username, without the @, so `chat_id: "@name"` finds it. */
  username?: string;
  /** The group became a supergroup with this id: sends answer 400 with `migrate_to_chat_id`. */
  migratedTo?: number;
  /** The bot was removed or blocked: sends answer 403 with this description. */
  forbidden?: string;
  /** Forum topics; when set, other `message_thread_id` values are "message thread not found". */
  topics?: number[];
}

/** A message the fake accepted. */
export interface FakeTelegramMessage {
  botToken: string;
  chatId: number;
  messageId: number;
  messageThreadId?: number;
  /** The text as a reader sees it (after entity parsing). */
  text: string;
  /** The `text` field exactly as sent. */
  rawText: string;
  parseMode?: string;
  entities: TelegramEntity[];
  /** Parsed request body (of the latest edit, once edited). */
  body: Record<string, unknown>;
  /** How many times `editMessageText` changed it. */
  edits: number;
  /** Deleted in the chat (`deleteMessage` in a test): edits answer "message to edit not found". */
  deleted: boolean;
  /** The bot may no longer edit it: edits answer "message can't be edited". */
  frozen: boolean;
}

export interface FakeTelegram extends Omit<ResponseScript, 'take'> {
  /** `http://127.0.0.1:PORT`: use as `WRENN_TELEGRAM_API_BASE`. */
  origin: string;
  received: ReadonlyArray<ReceivedRequest>;
  /** 429 answers sent so far, whether from the rate limits or scripted. */
  tooManyRequests(): number;
  /** When each request arrived (ms since the epoch), in order. */
  arrivals(): number[];
  messages: ReadonlyArray<FakeTelegramMessage>;
  addChat(chat: FakeTelegramChat): void;
  /** Turns a group into a supergroup: later sends to `fromId` answer with `migrate_to_chat_id: toId`. */
  migrateChat(fromId: number, toId: number): void;
  /** The bot is blocked / kicked from a chat (403). */
  forbidChat(chatId: number, description?: string): void;
  /** Later requests with this token answer 401 Unauthorized. */
  revokeToken(botToken: string): void;
  /** The message as it reads now (after its edits), or `undefined` when the chat never had it. */
  message(chatId: number, messageId: number): FakeTelegramMessage | undefined;
  /** Someone deleted the message: later edits of it answer "message to edit not found". */
  deleteMessage(chatId: number, messageId: number): void;
  /** Later edits of the message answer "message can't be edited". */
  freezeMessage(chatId: number, messageId: number): void;
  /** The next `times` requests answer 429 with `parameters.retry_after`. */
  rateLimitNext(retryAfterSeconds: number, times?: number): void;
  close(): Promise<void>;
}

export interface FakeTelegramOptions {
  /** Known chats; default `DEFAULT_TELEGRAM_CHATS`. */
  chats?: FakeTelegramChat[];
  /** When given, only these tokens are valid (others get 401); by default any well-formed token is. */
  tokens?: string[];
  /**
   * Enforce {@link TELEGRAM_RATE_LIMITS} on `sendMessage` (or the rules given): 429 with
   * `parameters.retry_after`. Off by default.
   */
  rateLimits?: RateLimitsOption<typeof TELEGRAM_RATE_LIMITS>;
}

/**
 * The Bot API's flood limits: about one message per second per chat (short bursts
 * pass), 20 messages per minute per group or channel (a negative chat id), and
 * about 30 messages per second per bot across all chats.
 */
export const TELEGRAM_RATE_LIMITS: { perChat: RateRule; perGroup: RateRule; perBot: RateRule } = {
  perChat: tokenBucket(1, 3),
  perGroup: slidingWindow(20, 60_000),
  perBot: tokenBucket(30, 30),
};

/** A well-formed bot token for tests. */
export const FAKE_TELEGRAM_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';

/** Chats every fake starts with: a supergroup, a private chat and a public channel. */
export const DEFAULT_TELEGRAM_CHATS: readonly FakeTelegramChat[] = [
  { id: -1001234567890, type: 'supergroup', title: 'Wrenn alerts' },
  { id: 42424242, type: 'private' },
  { id: -1009876543210, type: 'channel', title: 'Wrenn status', username: 'wrenn_status' },
];

const TOKEN_SHAPE = /^\d+:[A-Za-z0-9_-]{35}$/;
const TEXT_LIMIT = 4096;

function fail(res: ServerResponse, status: number, description: string, parameters?: Record<string, number>): void {
  sendJson(res, status, { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) });
}

function parseBody(req: ReceivedRequest): Record<string, unknown> | null {
  const type = String(req.headers['content-type'] ?? '');
  const query = Object.fromEntries(new URL(req.url, 'http://x').searchParams);
  if (req.body === '') return query;
  if (type.includes('application/x-www-form-urlencoded'))
    return { ...query, ...Object.fromEntries(new URLSearchParams(req.body)) };
  try {
    const parsed: unknown = JSON.parse(req.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? { ...query, ...(parsed as Record<string, unknown>) }
      : null;
  } catch {
    return null;
  }
}

/** A message's text as the API reads it, or the 400 description it answers. */
function parseContent(
  body: Record<string, unknown>,
): { text: string; rawText: string; parseMode: string | undefined; entities: TelegramEntity[] } | { error: string } {
  const rawText = typeof body.text === 'string' ? body.text : '';
  const parseMode = typeof body.parse_mode === 'string' ? body.parse_mode : undefined;
  let text = rawText;
  let entities: TelegramEntity[] = [];
  if (parseMode?.toLowerCase() === 'html') {
    const parsed = parseTelegramHtml(rawText);
    if (!parsed.ok) return { error: `Bad Request: ${parsed.error}` };
    ({ text, entities } = parsed);
  }
  // The API strips surrounding whitespace before counting.
  const visible = text.trim();
  if (visible === '') return { error: 'Bad Request: message text is empty' };
  if (visible.length > TEXT_LIMIT) return { error: 'Bad Request: message is too long' };
  const leading = text.length - text.trimStart().length;
  entities = [...entities, ...detectMentions(text)]
    .map((e) => ({ ...e, offset: e.offset - leading }))
    .filter((e) => e.offset >= 0 && e.offset + e.length <= visible.length)
    .sort((a, b) => a.offset - b.offset);
  return { text: visible, rawText, parseMode, entities };
}

/**
 * A loopback Telegram Bot API (`/bot<token>/sendMessage`, `editMessageText`, `getMe`)
 * that answers like the real one: 404 for a malformed token or unknown method,
 * 401 for a revoked token, 400 "chat not found", "can't parse entities",
 * "message is too long", 400 with `migrate_to_chat_id` for a migrated group,
 * 403 for a blocked bot, 429 with `parameters.retry_after` when scripted.
 * `parse_mode: "HTML"` is parsed as the API does; other parse modes are taken as plain text.
 */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const chats = new Map<number, FakeTelegramChat>();
  for (const chat of options.chats ?? DEFAULT_TELEGRAM_CHATS) chats.set(chat.id, { ...chat });
  const validTokens = options.tokens ? new Set(options.tokens) : null;
  const revoked = new Set<string>();
  const messages: FakeTelegramMessage[] = [];
  const nextMessageId = new Map<number, number>();
  const script = createResponseScript();
  const limits = limitersFor(options.rateLimits, TELEGRAM_RATE_LIMITS);

  function findChat(chatId: unknown): FakeTelegramChat | undefined {
    if (typeof chatId === 'number') return chats.get(chatId);
    if (typeof chatId !== 'string') return undefined;
    if (/^-?\d+$/.test(chatId)) return chats.get(Number(chatId));
    if (!chatId.startsWith('@')) return undefined;
    const name = chatId.slice(1).toLowerCase();
    return [...chats.values()].find((c) => c.username?.toLowerCase() === name);
  }

  /**
   * The checks every message method makes first: a parsable body, a known
   * chat the bot may write to, then the chat's and the bot's flood limits
   * (edits count towards them like sends). Answers and returns `undefined`
   * when one fails.
   */
  function admitRequest(
    req: ReceivedRequest,
    res: ServerResponse,
    botToken: string,
  ): { body: Record<string, unknown>; chat: FakeTelegramChat } | undefined {
    const body = parseBody(req);
    if (!body) return void fail(res, 400, "Bad Request: can't parse JSON object");
    if (body.chat_id === undefined || body.chat_id === '') return void fail(res, 400, 'Bad Request: chat_id is empty');
    const chat = findChat(body.chat_id);
    if (!chat) return void fail(res, 400, 'Bad Request: chat not found');
    if (chat.migratedTo !== undefined) {
      return void fail(res, 400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: chat.migratedTo,
      });
    }
    if (chat.forbidden) return void fail(res, 403, chat.forbidden);
    const chatKey = `${botToken}/${chat.id}`;
    const admission = admit([
      [limits?.perChat, chatKey],
      [chat.id < 0 ? limits?.perGroup : undefined, chatKey],
      [limits?.perBot, botToken],
    ]);
    if (!admission.ok) {
      const seconds = admission.retryAfterSeconds;
      return void fail(res, 429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
    }
    return { body, chat };
  }

  function findMessage(chatId: number, messageId: number): FakeTelegramMessage | undefined {
    return messages.find((m) => m.chatId === chatId && m.messageId === messageId);
  }

  function messageJson(message: FakeTelegramMessage, chat: FakeTelegramChat, extra: Record<string, unknown> = {}) {
    const botId = Number(message.botToken.split(':')[0]);
    return {
      message_id: message.messageId,
      from: { id: botId, is_bot: true, first_name: 'Wrenn test bot', username: 'wrenn_test_bot' },
      chat: {
        id: chat.id,
        type: chat.type,
        ...(chat.title ? { title: chat.title } : {}),
        ...(chat.username ? { username: chat.username } : {}),
      },
      date: Math.floor(Date.now() / 1000),
      ...(message.messageThreadId !== undefined
        ? { message_thread_id: message.messageThreadId, is_topic_message: true }
        : {}),
      text: message.text,
      ...(message.entities.length > 0 ? { entities: message.entities } : {}),
      ...extra,
    };
  }

  /**
   * `editMessageText` as the Bot API answers it: the bot's own message in that
   * chat, else "message to edit not found"; the same text and markup again is
   * "message is not modified"; a message the bot may no longer edit is
   * "message can't be edited".
   */
  function editMessageText(req: ReceivedRequest, res: ServerResponse, botToken: string) {
    const admitted = admitRequest(req, res, botToken);
    if (!admitted) return;
    const { body, chat } = admitted;
    if (body.message_id === undefined) return fail(res, 400, 'Bad Request: message identifier is not specified');
    const messageId = Number(body.message_id);
    const message = Number.isSafeInteger(messageId) ? findMessage(chat.id, messageId) : undefined;
    if (!message || message.deleted || message.botToken !== botToken) {
      return fail(res, 400, 'Bad Request: message to edit not found');
    }
    const content = parseContent(body);
    if ('error' in content) return fail(res, 400, content.error);
    if (message.frozen) return fail(res, 400, "Bad Request: message can't be edited");
    const markup = JSON.stringify(body.reply_markup ?? null);
    if (content.text === message.text && markup === JSON.stringify(message.body.reply_markup ?? null)) {
      return fail(
        res,
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    message.text = content.text;
    message.rawText = content.rawText;
    message.entities = content.entities;
    if (content.parseMode !== undefined) message.parseMode = content.parseMode;
    message.body = body;
    message.edits += 1;
    sendJson(res, 200, { ok: true, result: messageJson(message, chat, { edit_date: Math.floor(Date.now() / 1000) }) });
  }

  function sendMessage(req: ReceivedRequest, res: ServerResponse, botToken: string) {
    const admitted = admitRequest(req, res, botToken);
    if (!admitted) return;
    const { body, chat } = admitted;

    const content = parseContent(body);
    if ('error' in content) return fail(res, 400, content.error);

    let messageThreadId: number | undefined;
    if (body.message_thread_id !== undefined) {
      const thread = Number(body.message_thread_id);
      if (!Number.isSafeInteger(thread) || thread <= 0 || (chat.topics && !chat.topics.includes(thread))) {
        return fail(res, 400, 'Bad Request: message thread not found');
      }
      messageThreadId = thread;
    }

    const messageId = nextMessageId.get(chat.id) ?? 1;
    nextMessageId.set(chat.id, messageId + 1);
    const { text: visible, rawText, parseMode, entities } = content;
    const message: FakeTelegramMessage = {
      botToken,
      chatId: chat.id,
      messageId,
      ...(messageThreadId !== undefined ? { messageThreadId } : {}),
      text: visible,
      rawText,
      ...(parseMode !== undefined ? { parseMode } : {}),
      entities,
      body,
      edits: 0,
      deleted: false,
      frozen: false,
    };
    messages.push(message);
    const preview = body.link_preview_options ? { link_preview_options: body.link_preview_options } : {};
    sendJson(res, 200, { ok: true, result: messageJson(message, chat, preview) });
  }

  const server = await startFakeServer((req, res) => {
    const scripted = script.take();
    if (scripted === 'hang') return;
    if (scripted) return writeScripted(res, scripted);

    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url.split('?')[0] ?? '');
    const botToken = decodeURIComponent(match?.[1] ?? '');
    if (!match || !TOKEN_SHAPE.test(botToken)) return fail(res, 404, 'Not Found');
    if (revoked.has(botToken) || (validTokens && !validTokens.has(botToken))) return fail(res, 401, 'Unauthorized');
    const method = (match[2] ?? '').toLowerCase();
    if (method === 'sendmessage') return sendMessage(req, res, botToken);
    if (method === 'editmessagetext') return editMessageText(req, res, botToken);
    if (method === 'getme') {
      return sendJson(res, 200, {
        ok: true,
        result: {
          id: Number(botToken.split(':')[0]),
          is_bot: true,
          first_name: 'Wrenn test bot',
          username: 'wrenn_test_bot',
        },
      });
    }
    return fail(res, 404, 'Not Found');
  });

  return {
    origin: server.origin,
    received: server.received,
    tooManyRequests: server.tooManyRequests,
    arrivals: server.arrivals,
    messages,
    addChat(chat) {
      chats.set(chat.id, { ...chat });
    },
    migrateChat(fromId, toId) {
      const old = chats.get(fromId);
      chats.set(fromId, { ...(old ?? { type: 'group' }), id: fromId, migratedTo: toId });
      if (!chats.has(toId))
        chats.set(toId, { id: toId, type: 'supergroup', ...(old?.title ? { title: old.title } : {}) });
    },
    forbidChat(chatId, description = 'Forbidden: bot was kicked from the group chat') {
      const chat = chats.get(chatId);
      chats.set(chatId, { ...(chat ?? { type: 'group' }), id: chatId, forbidden: description });
    },
    message(chatId, messageId) {
      return findMessage(chatId, messageId);
    },
    deleteMessage(chatId, messageId) {
      const message = findMessage(chatId, messageId);
      if (message) message.deleted = true;
    },
    freezeMessage(chatId, messageId) {
      const message = findMessage(chatId, messageId);
      if (message) message.frozen = true;
    },
    revokeToken(botToken) {
      revoked.add(botToken);
    },
    rateLimitNext(retryAfterSeconds, times = 1) {
      script.failNext(
        {
          status: 429,
          body: {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${retryAfterSeconds}`,
            parameters: { retry_after: retryAfterSeconds },
          },
        },
        times,
      );
    },
    ...scriptControls(script),
    close: server.close,
  };
}

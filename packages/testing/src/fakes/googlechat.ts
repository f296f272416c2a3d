import type { ServerResponse } from 'node:http';
import { answerFromScript, parseJson, pathOf, queryOf } from './fake-helpers';
import { type FakeServer, type ReceivedRequest, sendJson, startFakeServer } from './fake-server';
import { admit, limitersFor, type RateLimitsOption, type RateRule, tokenBucket } from './rate-limiter';
import { createResponseScript, type ResponseScript, scriptControls } from './scripted-responses';

/** Chat's per-space write quota: 60 per minute, taken as one per second with a little slack for jitter. */
export const GOOGLE_CHAT_RATE_LIMITS: { perSpace: RateRule } = { perSpace: tokenBucket(1, 2) };

export interface FakeGoogleChatOptions {
  /** Spaces that exist with their webhook token; others get 404. When omitted, any space and token work. */
  spaces?: Record<string, string>;
  /**
   * Enforce {@link GOOGLE_CHAT_RATE_LIMITS} (or the rules given): 429 `RESOURCE_EXHAUSTED`
   * without `Retry-After`, as Chat answers. Off by default.
   */
  rateLimits?: RateLimitsOption<typeof GOOGLE_CHAT_RATE_LIMITS>;
}

export interface FakeGoogleChatMessage {
  /** `spaces/S/messages/M` */
  name: string;
  space: string;
  /** `spaces/S/threads/T` */
  threadName: string;
  threadKey: string | null;
  /** The request's `messageReplyOption` query parameter, when it had one. */
  messageReplyOption: string | null;
  body: Record<string, unknown>;
}

export interface FakeGoogleChat extends FakeServer, Omit<ResponseScript, 'take'> {
  messages: FakeGoogleChatMessage[];
  /** Messages grouped by thread name, in arrival order. */
  threads(): Map<string, FakeGoogleChatMessage[]>;
  /** The messages of the thread a `thread.threadKey` started or joined, in arrival order. */
  threadOf(threadKey: string): FakeGoogleChatMessage[];
  /** An official-looking webhook URL for a config (the fake is reached through `googleChatApiBase`). */
  webhookUrl(space?: string, token?: string): string;
  /** The next `times` requests get 429 RESOURCE_EXHAUSTED, with `Retry-After` when given. */
  rateLimitNext(retryAfterSeconds?: number, times?: number): void;
}

/** Chat's limit for a whole message. */
export const GOOGLE_CHAT_FAKE_MAX_BYTES = 32_000;
const QUOTA_MESSAGE =
  "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per space'.";
const ROUTE = /^\/v1\/spaces\/([^/]+)\/messages\/?$/;
const REPLY_OPTIONS = new Set([
  'MESSAGE_REPLY_OPTION_UNSPECIFIED',
  'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
  'REPLY_MESSAGE_OR_FAIL',
]);

function googleError(
  res: ServerResponse,
  code: number,
  status: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, code, { error: { code, message, status } }, headers);
}

/**
 * A loopback Google Chat webhook endpoint: `POST /v1/spaces/:space/messages?key=&token=`
 * answers 200 with the created Message (`name`, `thread.name`), groups messages
 * by `thread.threadKey` as `messageReplyOption` says, and answers Google JSON
 * errors: 401 bad token, 403 missing key, 404 unknown space, 400
 * INVALID_ARGUMENT for bad or oversized (> 32,000 bytes) bodies, 429 on demand.
 */
export async function startFakeGoogleChat(options: FakeGoogleChatOptions = {}): Promise<FakeGoogleChat> {
  const script = createResponseScript();
  const messages: FakeGoogleChatMessage[] = [];
  const threadsByKey = new Map<string, string>();
  let counter = 0;
  const limits = limitersFor(options.rateLimits, GOOGLE_CHAT_RATE_LIMITS);
  const nextId = (prefix: string) => {
    counter += 1;
    return `${prefix}${counter.toString(36).padStart(8, '0')}`;
  };

  function handle(req: ReceivedRequest, res: ServerResponse) {
    if (answerFromScript(script, res)) return;
    const route = ROUTE.exec(pathOf(req.url));
    if (!route || req.method !== 'POST') return googleError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
    const space = route[1] ?? '';
    const query = queryOf(req.url);
    if (!query.get('key')) {
      return googleError(res, 403, 'PERMISSION_DENIED', 'The request is missing a valid API key.');
    }
    if (options.spaces && !(space in options.spaces)) {
      return googleError(res, 404, 'NOT_FOUND', 'Requested entity was not found.');
    }
    const token = query.get('token');
    if (!token || (options.spaces && options.spaces[space] !== token)) {
      return googleError(
        res,
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      );
    }
    if (!admit([[limits?.perSpace, space]]).ok) {
      return googleError(res, 429, 'RESOURCE_EXHAUSTED', QUOTA_MESSAGE);
    }
    if (Buffer.byteLength(req.body, 'utf8') > GOOGLE_CHAT_FAKE_MAX_BYTES) {
      return googleError(
        res,
        400,
        'INVALID_ARGUMENT',
        `Message payload exceeds the limit of ${GOOGLE_CHAT_FAKE_MAX_BYTES} bytes.`,
      );
    }
    const parsed = parseJson(req.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return googleError(res, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const body = parsed as Record<string, unknown>;
    const hasText = typeof body.text === 'string' && body.text !== '';
    const hasCards = Array.isArray(body.cardsV2) && body.cardsV2.length > 0;
    if (!hasText && !hasCards) return googleError(res, 400, 'INVALID_ARGUMENT', 'Message cannot be empty.');

    const option = query.get('messageReplyOption') ?? 'MESSAGE_REPLY_OPTION_UNSPECIFIED';
    if (!REPLY_OPTIONS.has(option)) {
      return googleError(res, 400, 'INVALID_ARGUMENT', `Invalid value at 'message_reply_option' (${option})`);
    }
    const threadKey = (body.thread as { threadKey?: unknown } | undefined)?.threadKey;
    const key = typeof threadKey === 'string' && threadKey !== '' ? threadKey : null;
    if (key !== null && key.length > 4000) return googleError(res, 400, 'INVALID_ARGUMENT', 'Thread key is too long.');
    let threadName: string;
    if (option === 'MESSAGE_REPLY_OPTION_UNSPECIFIED' || key === null) {
      // Without a reply option Chat starts a new thread and ignores the key.
      threadName = `spaces/${space}/threads/${nextId('t')}`;
    } else if (threadsByKey.has(key)) {
      threadName = threadsByKey.get(key) as string;
    } else if (option === 'REPLY_MESSAGE_OR_FAIL') {
      return googleError(res, 404, 'NOT_FOUND', 'Thread not found.');
    } else {
      threadName = `spaces/${space}/threads/${nextId('t')}`;
      threadsByKey.set(key, threadName);
    }

    const name = `spaces/${space}/messages/${nextId('m')}`;
    messages.push({
      name,
      space,
      threadName,
      threadKey: key,
      messageReplyOption: query.get('messageReplyOption'),
      body,
    });
    sendJson(res, 200, {
      name,
      sender: { name: 'users/114022495153014004089', displayName: 'Wrenn', type: 'BOT' },
      createTime: new Date().toISOString(),
      text: hasText ? body.text : '',
      cardsV2: body.cardsV2 ?? [],
      thread: {
        name: threadName,
        ...(key === null || option === 'MESSAGE_REPLY_OPTION_UNSPECIFIED' ? {} : { threadKey: key }),
      },
      space: { name: `spaces/${space}`, type: 'ROOM', spaceType: 'SPACE' },
      argumentText: hasText ? body.text : '',
      formattedText: hasText ? body.text : '',
    });
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    ...scriptControls(script),
    messages,
    threads() {
      const grouped = new Map<string, FakeGoogleChatMessage[]>();
      for (const message of messages)
        grouped.set(message.threadName, [...(grouped.get(message.threadName) ?? []), message]);
      return grouped;
    },
    threadOf(threadKey) {
      const threadName = threadsByKey.get(threadKey);
      return threadName === undefined ? [] : messages.filter((message) => message.threadName === threadName);
    },
    webhookUrl: (space = 'AAAAfake123', token = 'fake-token-0123456789') =>
      `https://chat.googleapis.com/v1/spaces/${space}/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=${encodeURIComponent(token)}`,
    rateLimitNext(retryAfterSeconds, times = 1) {
      script.failNext(
        {
          status: 429,
          body: {
            error: {
              code: 429,
              message: QUOTA_MESSAGE,
              status: 'RESOURCE_EXHAUSTED',
            },
          },
          headers: retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) },
        },
        times,
      );
    },
  };
}

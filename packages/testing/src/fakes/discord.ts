import { answerFromScript, parseJson } from './fake-helpers';
import { type FakeServer, type ReceivedRequest, sendJson, startFakeServer } from './fake-server';
import { admit, fixedWindow, limitersFor, type RateLimitsOption, type RateRule, slidingWindow } from './rate-limiter';
import { createResponseScript, type ResponseScript, scriptControls } from './scripted-responses';

/**
 * What Discord enforces on a webhook: the route bucket its `X-RateLimit-*`
 * headers describe (5 requests per 2 s), and about 30 messages per minute,
 * answered with a long `retry_after`.
 */
export const DISCORD_RATE_LIMITS: { bucket: RateRule; perMinute: RateRule } = {
  bucket: fixedWindow(5, 2000),
  perMinute: slidingWindow(30, 60_000),
};

/** A webhook the fake knows. */
export interface FakeDiscordWebhook {
  id: string;
  token: string;
}

export interface FakeDiscordOptions {
  /** Webhooks that exist; others get 404 Unknown Webhook. When omitted, every id/token pair exists. */
  webhooks?: FakeDiscordWebhook[];
  /**
   * Enforce {@link DISCORD_RATE_LIMITS} per webhook (or the rules given): the headers then report
   * the real bucket, and going over answers 429 with `retry_after` and `Retry-After`. Off by default.
   */
  rateLimits?: RateLimitsOption<typeof DISCORD_RATE_LIMITS>;
}

/** A message the fake accepted. */
export interface FakeDiscordMessage {
  id: string;
  webhookId: string;
  threadId: string | null;
  /** The request body as posted (snake_case, e.g. `allowed_mentions`). */
  body: Record<string, unknown>;
  embeds: Array<Record<string, unknown>>;
  allowedMentions: unknown;
  /** What the channel shows now: the posted content with every accepted edit applied. */
  current: { content: string; embeds: Array<Record<string, unknown>> };
  /** The body of every accepted edit, in order. */
  edits: Array<Record<string, unknown>>;
  /** Deleted (by {@link FakeDiscord.deleteMessage}): edits get 10008 Unknown Message. */
  deleted: boolean;
}

export interface FakeDiscord extends FakeServer, Omit<ResponseScript, 'take'> {
  /** What discord.js's `rest.api` should be: `http://127.0.0.1:PORT/api`. */
  apiBase: string;
  messages: FakeDiscordMessage[];
  /** An official-looking webhook URL for a config (the fake is reached through `apiBase`). */
  webhookUrl(id: string, token: string): string;
  /** The next `times` requests get a 429 with `Retry-After`, JSON `retry_after` and `X-RateLimit-*` headers. */
  rateLimitNext(
    options?: { retryAfterSeconds?: number; global?: boolean; scope?: 'user' | 'global' | 'shared' },
    times?: number,
  ): void;
  /** The next `times` requests get a Cloudflare-style 429: an HTML body and no rate-limit headers. */
  cloudflareBlockNext(times?: number): void;
  /** The message with this id, as the channel shows it now. */
  message(id: string): FakeDiscordMessage | undefined;
  /** Deletes a message, as someone in the channel would: editing it then answers 10008 Unknown Message. */
  deleteMessage(id: string): void;
  /**
   * The next `times` edits (posts are unaffected) get 30046, "Maximum number of edits to messages older
   * than 1 hour reached": Discord does not publish the count, so a test says when it is reached.
   */
  refuseEditsNext(times?: number): void;
}

const ROUTE = /^\/api(?:\/v\d+)?\/webhooks\/([^/?]+)\/([^/?]+)(?:\/messages\/([^/?]+))?\/?(?:\?(.*))?$/;
/** The channel a webhook posts to when the message is not in a thread. */
const CHANNEL_ID = '1100000000000000001';
const BUCKET = 'fakebucket0000000000000000000000';
/** The webhook bucket real Discord reports: 5 requests per 2 seconds. */
const BUCKET_LIMIT = 5;

type ErrorTree = { [key: string]: ErrorTree } & { _errors?: Array<{ code: string; message: string }> };

function addError(tree: ErrorTree, path: Array<string | number>, code: string, message: string): void {
  let node = tree;
  for (const key of path) {
    const k = String(key);
    node[k] ??= {} as ErrorTree;
    node = node[k] as ErrorTree;
  }
  node._errors ??= [];
  node._errors.push({ code, message });
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Checks the embed limits Discord enforces, returning a 50035 `errors` tree or `null`. */
export function discordEmbedErrors(body: Record<string, unknown>): ErrorTree | null {
  const errors: ErrorTree = {} as ErrorTree;
  const maxLength = (path: Array<string | number>, value: unknown, max: number) => {
    if (text(value).length > max) addError(errors, path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  };
  maxLength(['content'], body.content, 2000);
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Array<Record<string, unknown>>) : [];
  if (embeds.length > 10) addError(errors, ['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  embeds.forEach((embed, i) => {
    maxLength(['embeds', i, 'title'], embed.title, 256);
    maxLength(['embeds', i, 'description'], embed.description, 4096);
    const footer = embed.footer as { text?: unknown } | undefined;
    const author = embed.author as { name?: unknown } | undefined;
    maxLength(['embeds', i, 'footer', 'text'], footer?.text, 2048);
    maxLength(['embeds', i, 'author', 'name'], author?.name, 256);
    if (embed.color !== undefined && (typeof embed.color !== 'number' || embed.color < 0 || embed.color > 0xffffff)) {
      addError(
        errors,
        ['embeds', i, 'color'],
        'NUMBER_TYPE_MAX',
        'int value should be less than or equal to 16777215.',
      );
    }
    if (embed.timestamp !== undefined && Number.isNaN(Date.parse(String(embed.timestamp)))) {
      addError(errors, ['embeds', i, 'timestamp'], 'DATE_TYPE_PARSE', 'Could not parse timestamp.');
    }
    total +=
      text(embed.title).length + text(embed.description).length + text(footer?.text).length + text(author?.name).length;
    const fields = Array.isArray(embed.fields) ? (embed.fields as Array<Record<string, unknown>>) : [];
    if (fields.length > 25)
      addError(errors, ['embeds', i, 'fields'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    fields.forEach((field, j) => {
      for (const [key, max] of [
        ['name', 256],
        ['value', 1024],
      ] as const) {
        const value = text(field[key]);
        if (value === '')
          addError(errors, ['embeds', i, 'fields', j, key], 'BASE_TYPE_REQUIRED', 'This field is required');
        maxLength(['embeds', i, 'fields', j, key], field[key], max);
        total += value.length;
      }
    });
  });
  if (total > 6000) addError(errors, ['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');
  return Object.keys(errors).length > 0 ? errors : null;
}

/**
 * A loopback Discord that executes webhooks like the real API: `POST
 * /api/v10/webhooks/:id/:token[?wait=true&thread_id=…]` (the message object
 * with `wait=true`, else 204), `PATCH …/messages/:message_id[?thread_id=…]`
 * on the webhook's own messages (10008 Unknown Message otherwise, 30046 when
 * a test says so), limit checks with 50035 error trees, unknown webhook
 * (10015) and bad token (50027) errors, rate-limit headers on every answer,
 * and scripted 429s.
 */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const script = createResponseScript();
  const messages: FakeDiscordMessage[] = [];
  const known = options.webhooks ? new Map(options.webhooks.map((w) => [w.id, w.token])) : null;
  let nextId = 1_300_000_000_000_000_000n;
  const limits = limitersFor(options.rateLimits, DISCORD_RATE_LIMITS);

  const bucketHeaders = (remaining: number, resetAfter: number, limit = BUCKET_LIMIT): Record<string, string> => ({
    'x-ratelimit-bucket': BUCKET,
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': ((Date.now() + resetAfter * 1000) / 1000).toFixed(3),
    'x-ratelimit-reset-after': resetAfter.toFixed(3),
  });

  async function handle(req: ReceivedRequest, res: import('node:http').ServerResponse) {
    if (answerFromScript(script, res)) return;
    const route = ROUTE.exec(req.url);
    if (!route) return sendJson(res, 404, { message: '404: Not Found', code: 0 });
    const [, webhookId = '', token = '', messageId, query = ''] = route;
    const allowed = messageId === undefined ? 'POST' : 'PATCH';
    if (req.method !== allowed) return sendJson(res, 405, { message: '405: Method Not Allowed', code: 0 });
    const params = new URLSearchParams(query);
    // Without rate limits, answers never exhaust the bucket, so discord.js does not start refusing sends by itself.
    const currentHeaders = () => {
      if (!limits?.bucket) return bucketHeaders(BUCKET_LIMIT - 1, 2);
      const state = limits.bucket.state(webhookId, Date.now());
      return bucketHeaders(state.remaining, state.resetAfterMs / 1000, state.limit);
    };
    if (known && !known.has(webhookId)) {
      return sendJson(res, 404, { message: 'Unknown Webhook', code: 10015 }, currentHeaders());
    }
    if (known && known.get(webhookId) !== token) {
      return sendJson(res, 401, { message: 'Invalid Webhook Token', code: 50027 }, currentHeaders());
    }
    // Edits share the webhook's bucket; only new messages count towards the channel's messages per minute.
    const admission = admit([
      [limits?.bucket, webhookId],
      [messageId === undefined ? limits?.perMinute : undefined, webhookId],
    ]);
    if (!admission.ok) {
      const seconds = admission.retryAfterMs / 1000;
      return sendJson(
        res,
        429,
        { message: 'You are being rate limited.', retry_after: Number(seconds.toFixed(3)), global: false },
        {
          ...currentHeaders(),
          'retry-after': String(admission.retryAfterSeconds),
          // The per-minute limit is the channel's own (a shared resource), not the route bucket.
          'x-ratelimit-scope': admission.limiter === limits?.bucket ? 'user' : 'shared',
        },
      );
    }
    const headers = currentHeaders();
    const body = parseJson(req.body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendJson(res, 400, { message: '400: Bad Request', code: 0 }, headers);
    }
    const payload = body as Record<string, unknown>;
    const embeds = Array.isArray(payload.embeds) ? (payload.embeds as Array<Record<string, unknown>>) : [];
    if (messageId !== undefined) return editMessage(res, webhookId, messageId, params, payload, headers);
    if (text(payload.content) === '' && embeds.length === 0 && !payload.components && !payload.poll) {
      return sendJson(res, 400, { message: 'Cannot send an empty message', code: 50006 }, headers);
    }
    const errors = discordEmbedErrors(payload);
    if (errors) return sendJson(res, 400, { message: 'Invalid Form Body', code: 50035, errors }, headers);

    nextId += 1n;
    const message: FakeDiscordMessage = {
      id: String(nextId),
      webhookId,
      threadId: params.get('thread_id'),
      body: payload,
      embeds,
      allowedMentions: payload.allowed_mentions,
      current: { content: typeof payload.content === 'string' ? payload.content : '', embeds },
      edits: [],
      deleted: false,
    };
    messages.push(message);
    if (params.get('wait') !== 'true') {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    sendJson(res, 200, messageObject(message, null), headers);
  }

  /**
   * `PATCH …/messages/{message_id}`: only a message this webhook sent, looked
   * up in the thread `thread_id` names (the webhook's channel without it);
   * every field is optional and replaces the message's own.
   */
  function editMessage(
    res: import('node:http').ServerResponse,
    webhookId: string,
    messageId: string,
    params: URLSearchParams,
    payload: Record<string, unknown>,
    headers: Record<string, string>,
  ) {
    const message = messages.find((m) => m.id === messageId);
    if (
      !message ||
      message.deleted ||
      message.webhookId !== webhookId ||
      message.threadId !== params.get('thread_id')
    ) {
      return sendJson(res, 404, { message: 'Unknown Message', code: 10008 }, headers);
    }
    if (editsToRefuse > 0) {
      editsToRefuse -= 1;
      return sendJson(
        res,
        400,
        {
          message: 'Maximum number of edits to messages older than 1 hour reached. Try again later',
          code: 30046,
        },
        headers,
      );
    }
    const errors = discordEmbedErrors(payload);
    if (errors) return sendJson(res, 400, { message: 'Invalid Form Body', code: 50035, errors }, headers);
    if (typeof payload.content === 'string') message.current.content = payload.content;
    if (Array.isArray(payload.embeds)) message.current.embeds = payload.embeds as Array<Record<string, unknown>>;
    if (text(message.current.content) === '' && message.current.embeds.length === 0) {
      return sendJson(res, 400, { message: 'Cannot send an empty message', code: 50006 }, headers);
    }
    message.edits.push(payload);
    sendJson(res, 200, messageObject(message, new Date().toISOString()), headers);
  }

  let editsToRefuse = 0;

  /** A message as Discord answers it (`APIMessage`). */
  function messageObject(message: FakeDiscordMessage, editedAt: string | null) {
    return {
      id: message.id,
      type: 0,
      content: message.current.content,
      channel_id: message.threadId ?? CHANNEL_ID,
      author: { id: message.webhookId, username: 'Wrenn', avatar: null, discriminator: '0000', bot: true },
      attachments: [],
      embeds: message.current.embeds.map((e) => ({ type: 'rich', ...e })),
      mentions: [],
      mention_roles: [],
      pinned: false,
      mention_everyone: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: editedAt,
      flags: 0,
      components: [],
      webhook_id: message.webhookId,
    };
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    ...scriptControls(script),
    apiBase: `${server.origin}/api`,
    messages,
    webhookUrl: (id, token) => `https://discord.com/api/webhooks/${id}/${token}`,
    rateLimitNext({ retryAfterSeconds = 1.5, global = false, scope = 'user' } = {}, times = 1) {
      script.failNext(
        {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
          headers: {
            'retry-after': String(Math.ceil(retryAfterSeconds)),
            'x-ratelimit-scope': global ? 'global' : scope,
            ...(global ? { 'x-ratelimit-global': 'true' } : {}),
            ...bucketHeaders(0, retryAfterSeconds),
          },
        },
        times,
      );
    },
    message: (id) => messages.find((m) => m.id === id),
    deleteMessage(id) {
      const message = messages.find((m) => m.id === id);
      if (message) message.deleted = true;
    },
    refuseEditsNext(times = 1) {
      editsToRefuse += times;
    },
    cloudflareBlockNext(times = 1) {
      script.failNext(
        {
          status: 429,
          body: '<!DOCTYPE html><html><head><title>Access denied | discord.com used Cloudflare to restrict access</title></head><body>Error 1015: You are being rate limited.</body></html>',
          headers: { 'content-type': 'text/html; charset=UTF-8' },
        },
        times,
      );
    },
  };
}

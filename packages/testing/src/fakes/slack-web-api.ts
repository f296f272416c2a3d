import type { ServerResponse } from 'node:http';
import { answerFromScript, parseJson, pathOf } from './fake-helpers';
import { type FakeServer, type ReceivedRequest, sendJson, startFakeServer } from './fake-server';
import { admit, limitersFor, type RateLimitsOption, type RateRule, slidingWindow, tokenBucket } from './rate-limiter';
import { createResponseScript, type ResponseScript, scriptControls } from './scripted-responses';
import { slackBlockProblem } from './slack';

/** A bot token the fake knows by default (the shape Slack issues: `xoxb-<team>-<bot>-<secret>`). */
export const FAKE_SLACK_BOT_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';
/** A channel the default token's bot is a member of. */
export const FAKE_SLACK_CHANNEL = 'C0123456789';

/**
 * Slack's Web API limits: `chat.postMessage` about one message per second per
 * channel (short bursts tolerated), `chat.update` Tier 3 (about 50 a minute).
 */
export const SLACK_WEB_API_RATE_LIMITS: { postPerChannel: RateRule; updatePerToken: RateRule } = {
  postPerChannel: tokenBucket(1, 2),
  updatePerToken: slidingWindow(50, 60_000),
};

/** Slack cuts a message's `text` at 40,000 characters; longer ones are refused as `msg_too_long`. */
const MAX_TEXT = 40_000;

/** A conversation of the fake workspace. */
export interface FakeSlackChannel {
  id: string;
  name?: string;
  /** Whether the bot has joined it (default true); posting elsewhere is `not_in_channel`. */
  member?: boolean;
  archived?: boolean;
}

/** One version of a message: as posted, or as an edit left it. */
export interface FakeSlackContent {
  text: string;
  blocks: unknown[];
}

/** A message the bot posted, with its current content and every version it had. */
export interface FakeSlackApiMessage extends FakeSlackContent {
  channel: string;
  ts: string;
  /** Every version, oldest first: the post, then each `chat.update`. */
  versions: FakeSlackContent[];
  /** Someone deleted it (see `deleteMessage`). */
  deleted?: boolean;
}

export interface FakeSlackWebApiOptions {
  /** Valid bot tokens (default {@link FAKE_SLACK_BOT_TOKEN}); others are `invalid_auth`. */
  tokens?: string[];
  /** The workspace's conversations (default {@link FAKE_SLACK_CHANNEL}, bot a member). */
  channels?: FakeSlackChannel[];
  /**
   * Enforce {@link SLACK_WEB_API_RATE_LIMITS} (or the rules given): HTTP 429
   * with `Retry-After` in seconds. Off by default.
   */
  rateLimits?: RateLimitsOption<typeof SLACK_WEB_API_RATE_LIMITS>;
}

export interface FakeSlackWebApi extends FakeServer, Omit<ResponseScript, 'take'> {
  /** Every message posted, in order, each with its current content. */
  messages: ReadonlyArray<FakeSlackApiMessage>;
  /** The message `ts` of `channel`, or `undefined`. */
  message(channel: string, ts: string): FakeSlackApiMessage | undefined;
  addChannel(channel: FakeSlackChannel): void;
  /** Later calls with this token answer `token_revoked`. */
  revokeToken(token: string): void;
  /** Someone deleted the message: `chat.update` answers `message_not_found`. */
  deleteMessage(channel: string, ts: string): void;
  /** `chat.update` of this message answers `error` (`cant_update_message`, `edit_window_closed`). */
  refuseEdits(channel: string, ts: string, error?: string): void;
  /** The next `times` calls answer HTTP 429 with `Retry-After` (seconds). */
  rateLimitNext(retryAfterSeconds?: number, times?: number): void;
  /** The next `times` calls answer HTTP 200 `{"ok":false,"error":error}`. */
  failNextWith(error: string, times?: number): void;
}

type Json = Record<string, unknown>;

/** The parameters of a Web API call: a form-encoded body (as @slack/web-api sends) or JSON. */
function paramsOf(req: ReceivedRequest): Json {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    const body = parseJson(req.body);
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : {};
  }
  const params: Json = {};
  for (const [key, value] of new URLSearchParams(req.body)) params[key] = value;
  return params;
}

/** `blocks` arrive as an array (JSON) or as a JSON string (a form field). */
function blocksOf(value: unknown): unknown {
  if (value === undefined) return [];
  if (typeof value !== 'string') return value;
  return parseJson(value) ?? 'not JSON';
}

function tokenOf(req: ReceivedRequest, params: Json): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  return typeof params.token === 'string' ? params.token : undefined;
}

/**
 * A loopback Slack Web API (`/api/<method>`, reached through `slackApiBase`):
 * `chat.postMessage`, `chat.update`, `auth.test` and `conversations.info`,
 * answering as Slack does: HTTP 200 with `{"ok":true,…}` or
 * `{"ok":false,"error":"…"}` (`not_authed`, `invalid_auth`, `token_revoked`,
 * `channel_not_found`, `not_in_channel`, `is_archived`, `message_not_found`,
 * `cant_update_message`, `msg_too_long`, `invalid_blocks`, `no_text`), and
 * HTTP 429 with `Retry-After` when rate limited. It keeps every message with
 * its `ts`, current content and earlier versions.
 */
export async function startFakeSlackWebApi(options: FakeSlackWebApiOptions = {}): Promise<FakeSlackWebApi> {
  const script = createResponseScript();
  const tokens = new Set(options.tokens ?? [FAKE_SLACK_BOT_TOKEN]);
  const revoked = new Set<string>();
  const channels = new Map<string, FakeSlackChannel>();
  for (const channel of options.channels ?? [{ id: FAKE_SLACK_CHANNEL, name: 'ops-alerts' }]) {
    channels.set(channel.id, channel);
  }
  const messages: FakeSlackApiMessage[] = [];
  const byKey = new Map<string, FakeSlackApiMessage>();
  const refused = new Map<string, string>();
  const limits = limitersFor(options.rateLimits, SLACK_WEB_API_RATE_LIMITS);
  let sequence = 0;

  const key = (channel: string, ts: string) => `${channel}/${ts}`;
  const ok = (res: ServerResponse, body: Json) => sendJson(res, 200, { ok: true, ...body });
  const fail = (res: ServerResponse, error: string) => sendJson(res, 200, { ok: false, error });
  const tooMany = (res: ServerResponse, seconds: number) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(seconds) });
    res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
  };

  function nextTs(): string {
    sequence += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(sequence).padStart(6, '0')}`;
  }

  /** The content a post or update carries, or the error Slack gives for it. */
  function contentOf(params: Json): FakeSlackContent | string {
    const text = typeof params.text === 'string' ? params.text : '';
    const blocks = blocksOf(params.blocks);
    if (text.trim() === '' && (!Array.isArray(blocks) || blocks.length === 0)) return 'no_text';
    if (text.length > MAX_TEXT) return 'msg_too_long';
    if (!Array.isArray(blocks) || slackBlockProblem(blocks) !== null) return 'invalid_blocks';
    return { text, blocks };
  }

  /** The channel a bot may post to, or the error Slack gives. */
  function postable(id: unknown): FakeSlackChannel | string {
    if (typeof id !== 'string' || id === '') return 'channel_not_found';
    const channel = channels.get(id);
    if (!channel) return 'channel_not_found';
    if (channel.archived) return 'is_archived';
    if (channel.member === false) return 'not_in_channel';
    return channel;
  }

  function handle(req: ReceivedRequest, res: ServerResponse) {
    if (answerFromScript(script, res)) return;
    const method = /^\/api\/([A-Za-z.]+)$/.exec(pathOf(req.url))?.[1];
    if (!method || req.method !== 'POST') return sendJson(res, 404, { ok: false, error: 'unknown_method' });
    const params = paramsOf(req);
    const token = tokenOf(req, params);
    if (!token) return fail(res, 'not_authed');
    if (revoked.has(token)) return fail(res, 'token_revoked');
    if (!tokens.has(token)) return fail(res, 'invalid_auth');

    switch (method) {
      case 'auth.test':
        return ok(res, {
          url: 'https://wrenn-test.slack.com/',
          team: 'Wrenn Test',
          user: 'wrenn',
          team_id: 'T0123456789',
          user_id: 'U0123456789',
          bot_id: 'B0123456789',
          is_enterprise_install: false,
        });
      case 'conversations.info': {
        const channel = typeof params.channel === 'string' ? channels.get(params.channel) : undefined;
        // A private channel the bot is not in is invisible to it.
        if (!channel || (channel.id.startsWith('G') && channel.member === false)) return fail(res, 'channel_not_found');
        return ok(res, {
          channel: {
            id: channel.id,
            name: channel.name ?? channel.id.toLowerCase(),
            is_channel: channel.id.startsWith('C'),
            is_group: channel.id.startsWith('G'),
            is_im: channel.id.startsWith('D'),
            is_archived: channel.archived === true,
            ...(channel.id.startsWith('D') ? {} : { is_member: channel.member !== false }),
          },
        });
      }
      case 'chat.postMessage': {
        const channel = postable(params.channel);
        if (typeof channel === 'string') return fail(res, channel);
        const admission = admit([[limits?.postPerChannel, channel.id]]);
        if (!admission.ok) return tooMany(res, admission.retryAfterSeconds);
        const content = contentOf(params);
        if (typeof content === 'string') return fail(res, content);
        const message: FakeSlackApiMessage = { channel: channel.id, ts: nextTs(), ...content, versions: [content] };
        messages.push(message);
        byKey.set(key(message.channel, message.ts), message);
        return ok(res, { channel: message.channel, ts: message.ts, message: { type: 'message', ...content } });
      }
      case 'chat.update': {
        const channel = postable(params.channel);
        if (typeof channel === 'string') return fail(res, channel);
        const ts = typeof params.ts === 'string' ? params.ts : '';
        const message = byKey.get(key(channel.id, ts));
        if (!message) return fail(res, 'message_not_found');
        const refusal = refused.get(key(channel.id, ts));
        if (refusal) return fail(res, refusal);
        const admission = admit([[limits?.updatePerToken, token]]);
        if (!admission.ok) return tooMany(res, admission.retryAfterSeconds);
        const content = contentOf(params);
        if (typeof content === 'string') return fail(res, content);
        message.text = content.text;
        message.blocks = content.blocks;
        message.versions.push(content);
        return ok(res, { channel: channel.id, ts, text: content.text, message: { type: 'message', ...content } });
      }
      default:
        return fail(res, 'unknown_method');
    }
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    ...scriptControls(script),
    messages,
    message: (channel, ts) => byKey.get(key(channel, ts)),
    addChannel: (channel) => void channels.set(channel.id, channel),
    revokeToken: (token) => void revoked.add(token),
    deleteMessage(channel, ts) {
      const message = byKey.get(key(channel, ts));
      if (message) message.deleted = true;
      byKey.delete(key(channel, ts));
    },
    refuseEdits(channel, ts, error = 'cant_update_message') {
      refused.set(key(channel, ts), error);
    },
    rateLimitNext(seconds = 30, times = 1) {
      script.failNext(
        {
          status: 429,
          body: { ok: false, error: 'ratelimited' },
          headers: { 'content-type': 'application/json', 'retry-after': String(seconds) },
        },
        times,
      );
    },
    failNextWith(error, times = 1) {
      script.failNext({ status: 200, body: { ok: false, error } }, times);
    },
  };
}

import type { ServerResponse } from 'node:http';
import { answerFromScript, parseJson, pathOf } from './fake-helpers';
import { type FakeServer, type ReceivedRequest, startFakeServer } from './fake-server';
import type { RateLimitsOption, RateRule } from './rate-limiter';
import { admit, limitersFor, tokenBucket } from './rate-limiter';
import { createResponseScript, type ResponseScript, scriptControls } from './scripted-responses';

/** Slack's published limit: about one message per second per webhook, short bursts tolerated. */
export const SLACK_RATE_LIMITS: { perHook: RateRule } = { perHook: tokenBucket(1, 2) };

export interface FakeSlackOptions {
  /** Hooks that exist, as `T…/B…/secret`; others get 404 `no_service`. When omitted, every hook exists. */
  hooks?: string[];
  /** Hooks whose channel is archived: 410 `channel_is_archived`. */
  archived?: string[];
  /** Enforce {@link SLACK_RATE_LIMITS} (or the rules given): 429 `rate_limited` with `Retry-After`. Off by default. */
  rateLimits?: RateLimitsOption<typeof SLACK_RATE_LIMITS>;
}

/** A message the fake accepted. */
export interface FakeSlackMessage {
  /** `T…/B…/secret` */
  hook: string;
  body: Record<string, unknown>;
}

export interface FakeSlack extends FakeServer, Omit<ResponseScript, 'take'> {
  messages: FakeSlackMessage[];
  /** An official-looking webhook URL for a config (the fake is reached through `slackApiBase`). */
  webhookUrl(hook?: string): string;
  /** The next `times` requests get 429 with `Retry-After` (seconds). */
  rateLimitNext(retryAfterSeconds?: number, times?: number): void;
}

const ROUTE = /^\/services\/([^/]+\/[^/]+\/[^/]+)\/?$/;
const BLOCK_TYPES = new Set([
  'header',
  'section',
  'context',
  'divider',
  'actions',
  'image',
  'rich_text',
  'input',
  'file',
  'video',
  'markdown',
]);

type Json = Record<string, unknown>;

function textLength(value: unknown): number {
  const t = (value as { text?: unknown } | undefined)?.text;
  return typeof t === 'string' ? t.length : -1;
}

/** Why Slack would answer `invalid_blocks` for these blocks (a Block Kit limit exceeded), or `null`. */
export function slackBlockProblem(blocks: unknown): string | null {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > 50) return 'more than 50 blocks';
  for (const [i, raw] of blocks.entries()) {
    const block = raw as Json;
    const at = `blocks[${i}]`;
    if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) return `${at}: unknown type`;
    if (typeof block.block_id === 'string' && block.block_id.length > 255) return `${at}.block_id longer than 255`;
    if (block.type === 'header') {
      const text = block.text as Json | undefined;
      if (text?.type !== 'plain_text') return `${at}.text must be plain_text`;
      const n = textLength(text);
      if (n < 1 || n > 150) return `${at}.text must be 1-150 characters`;
    }
    if (block.type === 'section') {
      if (block.text === undefined && block.fields === undefined) return `${at}: text or fields required`;
      if (block.text !== undefined) {
        const n = textLength(block.text);
        if (n < 1 || n > 3000) return `${at}.text must be 1-3000 characters`;
      }
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields) || block.fields.length < 1 || block.fields.length > 10)
          return `${at}.fields must have 1-10 items`;
        for (const [j, field] of block.fields.entries()) {
          const n = textLength(field);
          if (n < 1 || n > 2000) return `${at}.fields[${j}] must be 1-2000 characters`;
        }
      }
    }
    if (block.type === 'actions') {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 25)
        return `${at}.elements must have 1-25 items`;
      for (const [j, raw] of elements.entries()) {
        const element = raw as Json;
        if (element.type !== 'button') continue;
        const text = element.text as Json | undefined;
        const n = textLength(text);
        if (text?.type !== 'plain_text' || n < 1 || n > 75) return `${at}.elements[${j}].text must be 1-75 characters`;
        if (element.url !== undefined && (typeof element.url !== 'string' || element.url.length > 3000))
          return `${at}.elements[${j}].url longer than 3000`;
      }
    }
    if (block.type === 'context') {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length < 1 || elements.length > 10)
        return `${at}.elements must have 1-10 items`;
      for (const [j, element] of elements.entries()) {
        const n = textLength(element);
        if ((element as Json).type !== 'image' && (n < 1 || n > 3000))
          return `${at}.elements[${j}] must be 1-3000 characters`;
      }
    }
  }
  return null;
}

/**
 * A loopback Slack incoming-webhook endpoint: `POST /services/T…/B…/X`
 * answers 200 `ok` (text/html) or Slack's plain-text errors: `invalid_payload`,
 * `no_text`, `invalid_blocks`, `no_service`, `channel_is_archived`, 429 with
 * `Retry-After`.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  const script = createResponseScript();
  const messages: FakeSlackMessage[] = [];
  const known = options.hooks ? new Set(options.hooks) : null;
  const archived = new Set(options.archived ?? []);
  const limits = limitersFor(options.rateLimits, SLACK_RATE_LIMITS);

  const reply = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/html', ...headers });
    res.end(body);
  };

  function handle(req: ReceivedRequest, res: ServerResponse) {
    if (answerFromScript(script, res)) return;
    const route = ROUTE.exec(pathOf(req.url));
    if (!route || req.method !== 'POST') return reply(res, 404, 'no_service');
    const hook = route[1] ?? '';
    if (known && !known.has(hook) && !archived.has(hook)) return reply(res, 404, 'no_service');
    if (archived.has(hook)) return reply(res, 410, 'channel_is_archived');
    const admission = admit([[limits?.perHook, hook]]);
    if (!admission.ok) {
      return reply(res, 429, 'rate_limited', { 'retry-after': String(admission.retryAfterSeconds) });
    }
    const body = parseJson(req.body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return reply(res, 400, 'invalid_payload');
    const message = body as Json;
    const hasText = typeof message.text === 'string' && message.text.trim() !== '';
    const attachments = Array.isArray(message.attachments) ? (message.attachments as Json[]) : [];
    if (!hasText && message.blocks === undefined && attachments.length === 0) return reply(res, 400, 'no_text');
    if (attachments.length > 100) return reply(res, 400, 'too_many_attachments');
    const problems = [
      message.blocks === undefined ? null : slackBlockProblem(message.blocks),
      ...attachments.map((a) => (a.blocks === undefined ? null : slackBlockProblem(a.blocks))),
    ];
    if (problems.some((p) => p !== null)) return reply(res, 400, 'invalid_blocks');
    messages.push({ hook, body: message });
    reply(res, 200, 'ok');
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    ...scriptControls(script),
    messages,
    webhookUrl: (hook = 'T0001/B0001/abcdefghijklmnopqrstuvwx') => `https://hooks.slack.com/services/${hook}`,
    rateLimitNext(retryAfterSeconds = 30, times = 1) {
      script.failNext(
        {
          status: 429,
          body: 'rate_limited',
          headers: { 'content-type': 'text/html', 'retry-after': String(retryAfterSeconds) },
        },
        times,
      );
    },
  };
}

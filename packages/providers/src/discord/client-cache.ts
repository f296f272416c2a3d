import { AsyncLocalStorage } from 'node:async_hooks';
import type { WebhookClient } from 'discord.js';
import type { RateHint } from '../provider';

type DiscordModule = typeof import('discord.js');

let discordModule: Promise<DiscordModule> | undefined;

/** discord.js takes about a quarter of a second to load; only processes that deliver to Discord pay for it. */
export function loadDiscord(): Promise<DiscordModule> {
  discordModule ??= import('discord.js');
  return discordModule;
}

export interface DiscordClientOptions {
  id: string;
  token: string;
  apiBase: string;
  timeoutMs: number;
  userAgent: string;
}

/** Enough for every active destination of a worker; the least recently used client is dropped beyond it. */
const MAX_CLIENTS = 256;
const clients = new Map<string, WebhookClient>();

/**
 * One `WebhookClient` per destination, reused so discord.js keeps the
 * webhook's rate-limit bucket and refuses early (without a request) while it
 * is exhausted. Library retries are off and rate limits throw, so the job
 * queue owns every retry.
 */
export function discordClientFor(discord: DiscordModule, options: DiscordClientOptions): WebhookClient {
  const key = JSON.stringify([options.id, options.token, options.apiBase, options.timeoutMs, options.userAgent]);
  const cached = clients.get(key);
  if (cached) {
    clients.delete(key);
    clients.set(key, cached);
    return cached;
  }
  const client = new discord.WebhookClient(
    { id: options.id, token: options.token },
    {
      allowedMentions: { parse: [] },
      rest: {
        api: options.apiBase,
        retries: 0,
        timeout: options.timeoutMs,
        rejectOnRateLimit: () => true,
        offset: 0,
        userAgentAppendix: options.userAgent,
      },
    },
  );
  // discord.js reads the rate-limit headers for its own bucket but hands
  // none of them to the caller of `send`; its `response` event sees every
  // answer, inside the async context of the send that made the request.
  client.rest.on('response', (_request, response) => {
    const seen = answers.getStore();
    if (seen) seen.headers = response.headers;
  });
  clients.set(key, client);
  if (clients.size > MAX_CLIENTS) {
    const oldest = clients.keys().next().value;
    if (oldest !== undefined) {
      clients.get(oldest)?.destroy();
      clients.delete(oldest);
    }
  }
  return client;
}

/** Destroys every cached client (their timers are unref'd, so this is for tidy shutdowns and tests). */
export function destroyDiscordClients(): void {
  for (const client of clients.values()) client.destroy();
  clients.clear();
}

interface SeenAnswer {
  headers?: { get(name: string): string | null };
}

const answers = new AsyncLocalStorage<SeenAnswer>();

/**
 * Runs one send on a cached client and returns what Discord's answer said
 * about the webhook's bucket (`X-RateLimit-Remaining` and
 * `X-RateLimit-Reset-After`), whether the send resolved or threw.
 */
export async function withRateHint<T>(
  send: () => Promise<T>,
): Promise<{ result: { ok: true; value: T } | { ok: false; error: unknown }; rateHint: RateHint | undefined }> {
  const seen: SeenAnswer = {};
  const result = await answers.run(seen, async () => {
    try {
      return { ok: true as const, value: await send() };
    } catch (error) {
      return { ok: false as const, error };
    }
  });
  return { result, rateHint: rateHintOf(seen.headers) };
}

/** A rate hint from Discord's headers, or `undefined` when they are missing or malformed. */
export function rateHintOf(headers: SeenAnswer['headers']): RateHint | undefined {
  const remaining = Number(headers?.get('x-ratelimit-remaining') ?? Number.NaN);
  const resetAfter = Number(headers?.get('x-ratelimit-reset-after') ?? Number.NaN);
  if (!Number.isInteger(remaining) || remaining < 0 || !Number.isFinite(resetAfter) || resetAfter < 0) return undefined;
  return { remaining, resetAfterMs: Math.ceil(resetAfter * 1000) };
}

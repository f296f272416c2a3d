import type { WebhookClient } from 'discord.js';

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

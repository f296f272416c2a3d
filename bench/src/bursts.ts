import { randomBytes } from 'node:crypto';
import { newId } from '@wrenn/events';
import {
  FAKE_SLACK_BOT_TOKEN,
  FAKE_SLACK_CHANNEL,
  FAKE_TELEGRAM_TOKEN,
  type ReceivedRequest,
  startFakeDiscord,
  startFakeSlack,
  startFakeSlackWebApi,
  startFakeTelegram,
  startFakeWebhookReceiver,
} from '@wrenn/testing';
import { type Service, type ServiceTarget, sandboxCreate, startService } from './service';

export interface BurstScale {
  /** Events in each chat burst (Slack, Discord, Telegram). */
  chatEvents: number;
  webhookEvents: number;
  /** How long a chat burst may take to arrive. */
  chatSeconds: number;
  webhookSeconds: number;
}

/**
 * A script that starts 60 capsules; 200 events to a webhook endpoint. The endpoint takes 20
 * requests/s, so 10 s is its own floor; 12 s leaves room for the pace to be learned.
 */
export const FULL_BURSTS: BurstScale = { chatEvents: 60, webhookEvents: 200, chatSeconds: 30, webhookSeconds: 12 };

/** The most 429 answers a burst may draw and still meet its target. */
export const MAX_429_PER_BURST = 6;

/** The delivery schedule production runs with; 429s are judged against it. */
const PRODUCTION_RETRY_DELAYS = '10s,30s';

export interface BurstResult {
  destination: 'slack' | 'discord' | 'telegram' | 'webhook';
  /** "Slack webhook (1 message/s)" */
  label: string;
  total: number;
  /** Distinct events the destination accepted within the window (in one message or several). */
  arrived: number;
  /** Requests the destination accepted within the window. */
  messages: number;
  /** 429 answers within the window. */
  tooManyRequests: number;
  /** From the ingest request to the arrival of the last event that arrived; `null` when none did. */
  lastEventMs: number | null;
  windowSeconds: number;
  met: boolean;
}

export interface BurstOptions extends ServiceTarget {
  bursts: BurstScale;
  /**
   * `each`: a message per event or digest, Slack through its incoming webhook.
   * `resource`: the chat channels keep one board per resource (Slack in its
   * app form, the only one that edits); the webhook endpoint is not run.
   */
  style: 'each' | 'resource';
  log: (line: string) => void;
}

interface Burst {
  destination: BurstResult['destination'];
  label: string;
  windowSeconds: number;
  channel: { provider: string; config: Record<string, string>; message_style?: 'resource' };
  received: () => ReadonlyArray<ReceivedRequest>;
  /** The capsule ids of the burst's events: every rendering of an event names its resource. */
  resourceIds: string[];
  /** Which of them each accepted request carried, worked out once per request. */
  found: WeakMap<ReceivedRequest, string[]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one destination got of its burst by the end of its window. */
function measure(burst: Burst, startedAt: number): BurstResult {
  const windowEnd = startedAt + burst.windowSeconds * 1000;
  const inWindow = burst.received().filter((r) => r.receivedAt <= windowEnd);
  const accepted = inWindow.filter((r) => r.status !== null && r.status >= 200 && r.status < 300);
  const pending = new Set(burst.resourceIds);
  let lastEventMs: number | null = null;
  for (const request of accepted) {
    let ids = burst.found.get(request);
    if (!ids) {
      // Matched on the id's random part, which no renderer escapes.
      ids = burst.resourceIds.filter((id) => request.body.includes(id.slice(id.indexOf('-') + 1)));
      burst.found.set(request, ids);
    }
    for (const id of ids) {
      if (pending.delete(id)) lastEventMs = request.receivedAt - startedAt;
    }
  }
  const total = burst.resourceIds.length;
  const arrived = total - pending.size;
  const tooManyRequests = inWindow.filter((r) => r.status === 429).length;
  return {
    destination: burst.destination,
    label: burst.label,
    total,
    arrived,
    messages: accepted.length,
    tooManyRequests,
    lastEventMs,
    windowSeconds: burst.windowSeconds,
    met: arrived === total && tooManyRequests <= MAX_429_PER_BURST,
  };
}

/**
 * Scenario F: a burst of `capsule.created` events to each of a Slack webhook,
 * a Discord webhook, a Telegram group and a webhook endpoint, at once, on the
 * production retry schedule, against fakes that enforce each provider's own
 * rate limits. Fresh API and worker processes are pointed at the fakes. In
 * `resource` style the chat channels keep boards: an event has arrived once
 * a post or an edit the destination accepted names its capsule.
 */
export async function runBursts(options: BurstOptions): Promise<BurstResult[]> {
  const { bursts: scale, log, style } = options;
  const [slack, slackApp, discord, telegram, webhook] = await Promise.all([
    startFakeSlack({ rateLimits: true }),
    startFakeSlackWebApi({ rateLimits: true }),
    startFakeDiscord({ rateLimits: true }),
    startFakeTelegram({ rateLimits: true }),
    startFakeWebhookReceiver({ rateLimits: true }),
  ]);
  const boards = style === 'resource';
  const styled = (label: string) => (boards ? `${label}, one message per resource` : label);
  const resource = boards ? ({ message_style: 'resource' } as const) : {};
  let service: Service | undefined;
  try {
    const svc = await startService(options, {
      maxChannelsPerTeam: 100,
      extraEnv: {
        WRENN_SLACK_API_BASE: boards ? slackApp.origin : slack.origin,
        WRENN_DISCORD_API_BASE: discord.apiBase,
        WRENN_TELEGRAM_API_BASE: telegram.origin,
        WRENN_RETRY_DELAYS: PRODUCTION_RETRY_DELAYS,
      },
    });
    service = svc;
    const ids = (n: number) => Array.from({ length: n }, () => newId('capsule').id);
    const discordToken = randomBytes(51).toString('base64url');
    const plan: Burst[] = (
      [
        boards
          ? {
              destination: 'slack',
              label: styled('Slack app (1 post/s, 50 updates per minute)'),
              windowSeconds: scale.chatSeconds,
              channel: {
                provider: 'slack',
                config: { bot_token: FAKE_SLACK_BOT_TOKEN, channel_id: FAKE_SLACK_CHANNEL },
                ...resource,
              },
              // Messages only: the API's checks of the token and channel (auth.test…) are not deliveries.
              received: () => slackApp.received.filter((r) => /\/chat\.(postMessage|update)\b/.test(r.url)),
              resourceIds: ids(scale.chatEvents),
              found: new WeakMap(),
            }
          : {
              destination: 'slack',
              label: 'Slack webhook (1 message/s)',
              windowSeconds: scale.chatSeconds,
              channel: { provider: 'slack', config: { webhook_url: slack.webhookUrl() } },
              received: () => slack.received,
              resourceIds: ids(scale.chatEvents),
              found: new WeakMap(),
            },
        {
          destination: 'discord',
          label: styled('Discord webhook (5 per 2 s, 30 per minute)'),
          windowSeconds: scale.chatSeconds,
          channel: {
            provider: 'discord',
            config: { webhook_url: discord.webhookUrl('123456789012345678', discordToken) },
            ...resource,
          },
          received: () => discord.received,
          resourceIds: ids(scale.chatEvents),
          found: new WeakMap(),
        },
        {
          destination: 'telegram',
          label: styled('Telegram group (20 per minute)'),
          windowSeconds: scale.chatSeconds,
          channel: {
            provider: 'telegram',
            config: { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '-1001234567890' },
            ...resource,
          },
          received: () => telegram.received,
          resourceIds: ids(scale.chatEvents),
          found: new WeakMap(),
        },
        {
          destination: 'webhook',
          label: 'webhook endpoint (20 requests/s)',
          windowSeconds: scale.webhookSeconds,
          channel: { provider: 'webhook', config: { url: webhook.url } },
          received: () => webhook.received.map((r) => r.request),
          resourceIds: ids(scale.webhookEvents),
          found: new WeakMap(),
        },
      ] as Burst[]
    ).filter((burst) => !boards || burst.destination !== 'webhook');
    const teams = new Map<Burst, string>();
    for (const burst of plan) {
      const teamId = newId('team').id;
      teams.set(burst, teamId);
      await svc.createChannel(teamId, {
        name: `burst-${burst.destination}`,
        provider: burst.channel.provider,
        config: burst.channel.config,
        ...(burst.channel.message_style ? { message_style: burst.channel.message_style } : {}),
        events: ['capsule.created'],
      });
    }

    const startedAt = Date.now();
    await Promise.all(
      plan.map((burst) =>
        svc.ingest(burst.resourceIds.map((id, seq) => sandboxCreate(teams.get(burst) as string, seq, id))),
      ),
    );
    const deadline = startedAt + Math.max(...plan.map((b) => b.windowSeconds)) * 1000;
    while (Date.now() < deadline) {
      const now = Date.now();
      const open = plan.filter(
        (b) => now < startedAt + b.windowSeconds * 1000 && measure(b, startedAt).arrived < b.resourceIds.length,
      );
      if (open.length === 0) break;
      await sleep(200);
    }
    const results = plan.map((burst) => measure(burst, startedAt));
    for (const r of results) {
      const last = r.lastEventMs === null ? '-' : `${(r.lastEventMs / 1000).toFixed(1)} s`;
      log(
        `F: ${r.label}: ${r.arrived}/${r.total} arrived, ${r.messages} messages, ${r.tooManyRequests} × 429, last event at ${last}`,
      );
    }
    return results;
  } finally {
    await service?.stop();
    await Promise.all([slack.close(), slackApp.close(), discord.close(), telegram.close(), webhook.close()]);
  }
}

import { newId } from '@wrenn/events';
import { destinationOf, PACING_RULES } from '@wrenn/providers';
import { drainJob } from '@wrenn/queues';
import { describe, expect, it } from 'vitest';

const SLACK = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
const DISCORD = `https://discord.com/api/webhooks/123456789012345678/${'t'.repeat(68)}`;
const BOT = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ';

describe('pacing destinations', () => {
  it('name a destination by a digest, never by a secret', () => {
    const cases = [
      destinationOf('slack', { webhook_url: SLACK }),
      destinationOf('discord', { webhook_url: DISCORD }),
      destinationOf('telegram', { bot_token: BOT, chat_id: '-100123' }),
      destinationOf('matrix', { homeserver_url: 'https://m.org', access_token: 'syt_secret', room_id: '!r:m.org' }),
      destinationOf('googlechat', { webhook_url: 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k&token=t' }),
      destinationOf('teams', { webhook_url: 'https://x.logic.azure.com/workflows/abc/triggers?sig=secret' }),
      destinationOf('webhook', { url: 'https://example.com/hook?token=secret' }),
    ];
    for (const { key } of cases) expect(key).toMatch(/^[a-z]+:[0-9a-f]{32}$/);
    // Nor is a secret hashed into it: the same place under another credential is the same destination.
    const otherToken = `123456789:${'Z'.repeat(35)}`;
    expect(destinationOf('telegram', { bot_token: otherToken, chat_id: '42' }).key).toBe(
      destinationOf('telegram', { bot_token: BOT, chat_id: '42' }).key,
    );
    const matrix = (access_token: string) =>
      destinationOf('matrix', { homeserver_url: 'https://m.org', access_token, room_id: '!r:m.org' }).key;
    expect(matrix('syt_one')).toBe(matrix('syt_two'));
  });

  it('is shared by channels that post to the same place, and apart otherwise', () => {
    expect(destinationOf('slack', { webhook_url: SLACK }).key).toBe(destinationOf('slack', { webhook_url: SLACK }).key);
    // A Slack app is paced per conversation, never in one bucket with every other app channel.
    const app = (token: string, channel: string) =>
      destinationOf('slack', { bot_token: token, channel_id: channel }).key;
    expect(app('xoxb-1-a', 'C01')).toBe(app('xoxb-1-a', 'C01'));
    expect(new Set([app('xoxb-1-a', 'C01'), app('xoxb-1-a', 'C02'), app('xoxb-2-b', 'C01')]).size).toBe(3);
    expect(app('xoxb-1-a', 'C01')).not.toContain('xoxb');
    expect(destinationOf('slack', { webhook_url: SLACK }).key).not.toBe(
      destinationOf('slack', { webhook_url: SLACK.replace('B0', 'B1') }).key,
    );
    // A Discord webhook's thread is a destination of its own; the token is not part of it.
    const hook = destinationOf('discord', { webhook_url: DISCORD }).key;
    expect(destinationOf('discord', { webhook_url: DISCORD.replace(/t+$/, 'u'.repeat(68)) }).key).toBe(hook);
    expect(destinationOf('discord', { webhook_url: DISCORD, thread_id: '123456789012345678' }).key).not.toBe(hook);
    // One Telegram chat per bot; the Google Chat space whatever its key and token.
    expect(destinationOf('telegram', { bot_token: BOT, chat_id: '42' }).key).not.toBe(
      destinationOf('telegram', { bot_token: BOT, chat_id: '43' }).key,
    );
    expect(
      destinationOf('googlechat', { webhook_url: 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=1&token=2' })
        .key,
    ).toBe(
      destinationOf('googlechat', { webhook_url: 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=3&token=4' })
        .key,
    );
  });

  it("carries the provider's published rate; a Telegram group adds 20 per minute", () => {
    expect(destinationOf('slack', { webhook_url: SLACK }).rule.windows).toEqual([{ limit: 1, windowMs: 1_000 }]);
    expect(destinationOf('discord', { webhook_url: DISCORD }).rule.windows).toEqual([
      { limit: 5, windowMs: 2_000 },
      { limit: 30, windowMs: 60_000 },
    ]);
    expect(destinationOf('telegram', { bot_token: BOT, chat_id: '42' }).rule.windows).toEqual([
      { limit: 1, windowMs: 1_000 },
    ]);
    expect(destinationOf('telegram', { bot_token: BOT, chat_id: '-100123' }).rule.windows).toEqual([
      { limit: 1, windowMs: 1_000 },
      { limit: 20, windowMs: 60_000 },
    ]);
    expect(destinationOf('webhook', { url: 'https://example.com/h' }).rule).toEqual(PACING_RULES.webhook);
    expect(PACING_RULES.webhook.windows).toEqual([]);
  });

  it('a drain job is named after its channel and leaves Redis when it ends', () => {
    const channelId = newId('channel').id;
    expect(drainJob(channelId)).toEqual({
      name: 'drain',
      data: { channelId },
      opts: { jobId: channelId, removeOnComplete: true, removeOnFail: true },
    });
    expect(drainJob(channelId, 500).opts).toMatchObject({ delay: 500 });
  });
});

import { randomBytes } from 'node:crypto';
import type { AuditEntry } from '@wrenn/audit';
import { newId, parseLinkTemplates } from '@wrenn/events';
import type { PacingRule, ProviderName } from '@wrenn/providers';
import {
  FAKE_SLACK_BOT_TOKEN,
  FAKE_TELEGRAM_TOKEN,
  type FakeDiscord,
  type FakeGoogleChat,
  type FakeMatrix,
  type FakeSlackWebApi,
  type FakeTelegram,
  startFakeDiscord,
  startFakeGoogleChat,
  startFakeMatrix,
  startFakeSlackWebApi,
  startFakeTelegram,
  waitFor,
} from '@wrenn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, LIFECYCLE, lifecycleEntry, type Pipeline } from './support/pipeline';

// Resource style end to end: audit entries in, boards posted and edited in the fakes, stored
// references and delivery records checked.

const EVENTS = LIFECYCLE.map((l) => l.event);
/** Fast enough that a test is not slowed by pacing, yet every request still takes a slot. */
const QUICK: PacingRule = { windows: [{ limit: 50, windowMs: 1_000 }] };
const STEPS = ['create', 'resume', 'pause', 'destroy'] as const;
const STEP_TITLES = ['Capsule created', 'Capsule resumed', 'Capsule paused', 'Capsule destroyed'];
/** The main pipeline's `WRENN_LINK_TEMPLATES`: every board links its capsules here. */
const LINKS = parseLinkTemplates('sandbox=https://dash.wrenn.test/capsules/{id}');
const dashboard = (capsuleId: string) => `https://dash.wrenn.test/capsules/${capsuleId}`;

/** A message in a fake, as a reader sees it now. */
interface Shown {
  text: string;
  edits: number;
}

/** One editing provider's fake, seen the same way by every test. */
interface Target {
  provider: ProviderName;
  /** A fresh destination (chat, room, webhook, channel) in the fake. */
  destination(): {
    config: Record<string, string>;
    messages(): Shown[];
    /** The latest message is gone: its next edit is refused. */
    deleteLatest(channelUuid: string): Promise<void>;
  };
}

let discord: FakeDiscord;
let telegram: FakeTelegram;
let matrix: FakeMatrix;
let slack: FakeSlackWebApi;
let googleChat: FakeGoogleChat;
let pipeline: Pipeline;

const targets: Target[] = [
  {
    provider: 'telegram',
    destination() {
      const chatId = 100_000 + Math.floor(Math.random() * 900_000);
      telegram.addChat({ id: chatId, type: 'private' });
      const mine = () => telegram.messages.filter((m) => m.chatId === chatId);
      return {
        config: { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: String(chatId) },
        // What a reader sees, and the link buttons under it.
        messages: () =>
          mine().map((m) => ({ text: `${m.text} ${JSON.stringify(m.body.reply_markup ?? null)}`, edits: m.edits })),
        deleteLatest: async () => telegram.deleteMessage(chatId, mine().at(-1)?.messageId ?? 0),
      };
    },
  },
  {
    provider: 'discord',
    destination() {
      const id = String(100_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e15)));
      const mine = () => discord.messages.filter((m) => m.webhookId === id);
      return {
        config: { webhook_url: discord.webhookUrl(id, randomBytes(51).toString('base64url')) },
        messages: () => mine().map((m) => ({ text: JSON.stringify(m.current), edits: m.edits.length })),
        deleteLatest: async () => discord.deleteMessage(mine().at(-1)?.id ?? ''),
      };
    },
  },
  {
    provider: 'slack',
    destination() {
      const channelId = `C${randomBytes(5).toString('hex').toUpperCase()}`;
      slack.addChannel({ id: channelId, name: `ops-${channelId.toLowerCase()}` });
      const mine = () => slack.messages.filter((m) => m.channel === channelId);
      return {
        config: { bot_token: FAKE_SLACK_BOT_TOKEN, channel_id: channelId },
        messages: () =>
          mine().map((m) => ({
            text: JSON.stringify({ text: m.text, blocks: m.blocks }),
            edits: m.versions.length - 1,
          })),
        deleteLatest: async () => slack.deleteMessage(channelId, mine().at(-1)?.ts ?? ''),
      };
    },
  },
  {
    provider: 'matrix',
    destination() {
      const user = matrix.registerUser(`bot${randomBytes(4).toString('hex')}`);
      const roomId = matrix.createRoom(user.accessToken);
      const posts = () =>
        matrix
          .roomEvents(roomId)
          .filter(
            (e) => e.type === 'm.room.message' && !(e.content['m.relates_to'] as { rel_type?: string })?.rel_type,
          );
      return {
        config: { homeserver_url: matrix.origin, access_token: user.accessToken, room_id: roomId },
        messages: () =>
          posts().map((e) => ({
            text: JSON.stringify(matrix.currentContent(e.event_id)),
            edits: matrix.editsOf(e.event_id).length,
          })),
        // The homeserver no longer knows the event the reference names: an edit of it is 400 M_UNKNOWN.
        deleteLatest: async (channelUuid) => {
          await pipeline.db
            .updateTable('resource_messages')
            .set({ message_ref: JSON.stringify({ event_id: '$forgotten:fake.test' }) })
            .where('channel_id', '=', channelUuid)
            .execute();
        },
      };
    },
  },
];

beforeAll(async () => {
  [discord, telegram, matrix, slack, googleChat] = await Promise.all([
    startFakeDiscord(),
    startFakeTelegram(),
    startFakeMatrix(),
    startFakeSlackWebApi(),
    startFakeGoogleChat(),
  ]);
  pipeline = await createPipeline({
    retryDelays: [200, 200],
    providerSettings: {
      discordApiBase: discord.apiBase,
      telegramApiBase: telegram.origin,
      slackApiBase: slack.origin,
      googleChatApiBase: googleChat.origin,
      linkTemplates: LINKS,
    },
  });
  pipeline.startWorker({
    pacing: { telegram: QUICK, discord: QUICK, slack: QUICK, matrix: QUICK, googlechat: QUICK },
  });
});

afterAll(async () => {
  await pipeline?.close();
  await Promise.all([discord, telegram, matrix, slack, googleChat].map((fake) => fake?.close()));
});

function capsuleEntry(team: string, capsuleId: string, step: (typeof STEPS)[number]): AuditEntry {
  return { ...lifecycleEntry(team, 'sandbox', step), resource_id: capsuleId };
}

/** Records the entry and waits until its delivery is settled: what follows is a later request. */
async function deliver(channelUuid: string, entries: AuditEntry[]): Promise<void> {
  const before = (await pipeline.deliveriesOf(channelUuid)).length;
  await pipeline.audit.record(entries);
  await waitFor(
    async () => {
      const rows = await pipeline.deliveriesOf(channelUuid);
      return rows.length >= before + entries.length && rows.every((r) => r.status !== 'pending');
    },
    { timeoutMs: 20_000, message: 'deliveries did not settle' },
  );
}

async function resourceChannel(provider: ProviderName, config: Record<string, string>) {
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    provider,
    config,
    events: EVENTS,
    messageStyle: 'resource',
  });
  return { team, channel };
}

/** The titles of `STEP_TITLES` appear in this order in the text. */
function inOrder(text: string, titles: readonly string[]): boolean {
  const at = titles.map((t) => text.indexOf(t));
  return at.every((i, k) => i >= 0 && (k === 0 || i > (at[k - 1] as number)));
}

describe.each(targets)('$provider in resource style', (target) => {
  it("one capsule's four events: one post, then three edits of it showing every step in order", async () => {
    const dest = target.destination();
    const { team, channel } = await resourceChannel(target.provider, dest.config);
    const capsule = newId('capsule').id;
    for (const step of STEPS) await deliver(channel.uuid, [capsuleEntry(team, capsule, step)]);

    const shown = dest.messages();
    expect(shown).toHaveLength(1);
    expect(shown[0]?.edits).toBe(3);
    expect(shown[0]?.text).toContain('destroyed');
    expect(inOrder(shown[0]?.text ?? '', STEP_TITLES)).toBe(true);
    expect(shown[0]?.text).toContain(dashboard(capsule));
    const rows = await pipeline.deliveriesOf(channel.uuid);
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const stored = await pipeline.db
      .selectFrom('resource_messages')
      .selectAll()
      .where('channel_id', '=', channel.uuid)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ resource_type: 'sandbox', resource_id: capsule });
    expect(stored[0]?.events.map((e) => e.event)).toEqual([
      'capsule.created',
      'capsule.running',
      'capsule.paused',
      'capsule.destroyed',
    ]);
    // Links are added at send time, never stored.
    expect(JSON.stringify(stored[0]?.events)).not.toContain('dash.wrenn.test');
    // The reference holds message ids only: no credential of the config.
    for (const secret of Object.values(dest.config).filter((v) => v.length > 20)) {
      expect(JSON.stringify(stored[0]?.message_ref)).not.toContain(secret);
    }
  });

  it('two interleaved capsules: two messages, each updated with its own events only', async () => {
    const dest = target.destination();
    const { team, channel } = await resourceChannel(target.provider, dest.config);
    const [a, b] = [newId('capsule').id, newId('capsule').id];
    await deliver(channel.uuid, [capsuleEntry(team, a, 'create')]);
    await deliver(channel.uuid, [capsuleEntry(team, b, 'create')]);
    await deliver(channel.uuid, [capsuleEntry(team, a, 'pause')]);
    await deliver(channel.uuid, [capsuleEntry(team, b, 'destroy')]);

    const shown = dest.messages();
    expect(shown).toHaveLength(2);
    expect(shown.map((m) => m.edits)).toEqual([1, 1]);
    const [first, second] = shown.map((m) => m.text);
    expect(first).toContain(a);
    expect(first).not.toContain(b);
    expect(inOrder(first ?? '', ['Capsule created', 'Capsule paused'])).toBe(true);
    expect(first).not.toContain('Capsule destroyed');
    expect(second).toContain(b);
    expect(second).not.toContain(a);
    expect(inOrder(second ?? '', ['Capsule created', 'Capsule destroyed'])).toBe(true);
  });

  it('a refused edit posts anew and the delivery succeeds', async () => {
    const dest = target.destination();
    const { team, channel } = await resourceChannel(target.provider, dest.config);
    const capsule = newId('capsule').id;
    await deliver(channel.uuid, [capsuleEntry(team, capsule, 'create')]);
    await dest.deleteLatest(channel.uuid);
    await deliver(channel.uuid, [capsuleEntry(team, capsule, 'pause')]);
    await deliver(channel.uuid, [capsuleEntry(team, capsule, 'destroy')]);

    const shown = dest.messages();
    expect(shown).toHaveLength(2);
    // The new message took over: the next event edited it, and it shows the whole history.
    expect(shown[1]?.edits).toBe(1);
    expect(inOrder(shown[1]?.text ?? '', ['Capsule created', 'Capsule paused', 'Capsule destroyed'])).toBe(true);
    const rows = await pipeline.deliveriesOf(channel.uuid);
    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect((await pipeline.channel(channel.uuid)).enabled).toBe(true);
  });

  it('host.down posts a new message even when its host already has one, which then takes the edits', async () => {
    const dest = target.destination();
    const { team, channel } = await resourceChannel(target.provider, dest.config);
    const host = `host-${randomBytes(3).toString('hex')}`;
    const hostEntry = (action: string): AuditEntry => ({ ...lifecycleEntry(team, 'host', action), resource_id: host });
    await deliver(channel.uuid, [hostEntry('marked_up')]);
    await deliver(channel.uuid, [hostEntry('marked_down')]);
    await deliver(channel.uuid, [hostEntry('marked_up')]);

    const shown = dest.messages();
    expect(shown).toHaveLength(2);
    expect(shown.map((m) => m.edits)).toEqual([0, 1]);
  });

  it('a burst of 30 new capsules is one message, and their next events edit it', async () => {
    const dest = target.destination();
    const { team, channel } = await resourceChannel(target.provider, dest.config);
    const capsules = Array.from({ length: 30 }, () => newId('capsule').id);
    await deliver(
      channel.uuid,
      capsules.map((id) => capsuleEntry(team, id, 'create')),
    );
    expect(dest.messages()).toHaveLength(1);

    await deliver(
      channel.uuid,
      capsules.slice(0, 5).map((id) => capsuleEntry(team, id, 'destroy')),
    );
    const shown = dest.messages();
    expect(shown).toHaveLength(1);
    expect(shown[0]?.edits).toBeGreaterThanOrEqual(1);
    for (const id of capsules) expect(shown[0]?.text).toContain(id);
    expect(shown[0]?.text).toContain('destroyed');
    const keys = await pipeline.db
      .selectFrom('resource_messages')
      .select('message_key')
      .distinct()
      .where('channel_id', '=', channel.uuid)
      .execute();
    expect(keys).toHaveLength(1);
  });
});

describe('each style beside it', () => {
  const target = targets[0] as Target;

  it('an each-style channel still posts a message per event', async () => {
    const dest = target.destination();
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'telegram',
      config: dest.config,
      events: EVENTS,
    });
    const capsule = newId('capsule').id;
    for (const step of STEPS.slice(0, 2)) await deliver(channel.uuid, [capsuleEntry(team, capsule, step)]);
    expect(dest.messages().map((m) => m.edits)).toEqual([0, 0]);
    const stored = await pipeline.db
      .selectFrom('resource_messages')
      .select('resource_id')
      .where('channel_id', '=', channel.uuid)
      .execute();
    expect(stored).toEqual([]);
  });
});

describe('the edit window', () => {
  it('a message older than WRENN_EDIT_WINDOW is not edited: the next event posts a new one', async () => {
    const windowed = await createPipeline({ providerSettings: { telegramApiBase: telegram.origin } });
    try {
      windowed.startWorker({ editWindowMs: 1_000, pacing: { telegram: QUICK } });
      const dest = (targets[0] as Target).destination();
      const team = newId('team').id;
      const channel = await windowed.createChannel({
        teamId: team,
        provider: 'telegram',
        config: dest.config,
        events: EVENTS,
        messageStyle: 'resource',
      });
      const capsule = newId('capsule').id;
      const settle = async (count: number) =>
        waitFor(
          async () =>
            (await windowed.deliveriesOf(channel.uuid)).filter((r) => r.status === 'succeeded').length >= count,
          {
            timeoutMs: 20_000,
          },
        );
      await windowed.audit.record([capsuleEntry(team, capsule, 'create')]);
      await settle(1);
      await windowed.audit.record([capsuleEntry(team, capsule, 'resume')]);
      await settle(2);
      expect(dest.messages().map((m) => m.edits)).toEqual([1]);
      // Past the window, the stored message is no longer live.
      await windowed.db
        .updateTable('resource_messages')
        .set({ message_posted_at: new Date(Date.now() - 5_000) })
        .where('channel_id', '=', channel.uuid)
        .execute();
      await windowed.audit.record([capsuleEntry(team, capsule, 'pause')]);
      await settle(3);
      const shown = dest.messages();
      expect(shown.map((m) => m.edits)).toEqual([1, 0]);
      expect(inOrder(shown[1]?.text ?? '', ['Capsule created', 'Capsule resumed', 'Capsule paused'])).toBe(true);
      // This worker has no link templates: no message links anywhere.
      expect(shown.map((m) => m.text).join(' ')).not.toContain('https://');
    } finally {
      await windowed.close();
    }
  });
});

describe('resource style on Google Chat', () => {
  it("each capsule's events are replies in its own thread", async () => {
    const space = `AAAA${randomBytes(4).toString('hex')}`;
    const { team, channel } = await resourceChannel('googlechat', { webhook_url: googleChat.webhookUrl(space) });
    const [a, b] = [newId('capsule').id, newId('capsule').id];
    await deliver(channel.uuid, [capsuleEntry(team, a, 'create')]);
    await deliver(channel.uuid, [capsuleEntry(team, b, 'create')]);
    await deliver(channel.uuid, [capsuleEntry(team, a, 'pause')]);
    await deliver(channel.uuid, [capsuleEntry(team, a, 'destroy')]);

    const threads = [...googleChat.threads().values()].filter((t) => t[0]?.space === space);
    expect(threads.map((t) => t.length).sort()).toEqual([1, 3]);
    const threadOfA = threads.find((t) => t.length === 3) ?? [];
    expect(JSON.stringify(threadOfA)).not.toContain(b);
    expect(inOrder(JSON.stringify(threadOfA), ['Capsule created', 'Capsule paused', 'Capsule destroyed'])).toBe(true);
    expect(JSON.stringify(threadOfA)).toContain(dashboard(a));
  });
});

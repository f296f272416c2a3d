import { readFileSync } from 'node:fs';
import type { EventPayload } from '@wrenn/events';
import * as AC from 'adaptivecards';
import type { APIEmbed } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { discordEmbedErrors } from '../../testing/src/fakes/discord';
import { GOOGLE_CHAT_FAKE_MAX_BYTES } from '../../testing/src/fakes/googlechat';
import { MATRIX_MAX_EVENT_BYTES } from '../../testing/src/fakes/matrix';
import { slackBlockProblem } from '../../testing/src/fakes/slack';
import { TEAMS_FAKE_MAX_BYTES } from '../../testing/src/fakes/teams';
import { detectMentions, parseTelegramHtml } from '../../testing/src/fakes/telegram-html';
import { renderDiscordDigest, renderDiscordEmbed, renderDiscordEmbeds } from '../src/discord';
import {
  GOOGLE_CHAT_MAX_BYTES,
  type GoogleChatMessage,
  googleChatMessageFits,
  renderGoogleChatDigest,
  renderGoogleChatMessage,
  renderGoogleChatMessages,
  threadKeyFor,
} from '../src/googlechat';
import { transactionId } from '../src/matrix';
import {
  MATRIX_CONTENT_BUDGET_BYTES,
  type MatrixMessageContent,
  renderMatrixContent,
  renderMatrixContents,
  renderMatrixDigest,
} from '../src/matrix/render';
import { describeDigest, fitDigest, MAX_DIGEST_EVENTS, utf8Length } from '../src/render';
import { renderSlackDigest, renderSlackMessage, renderSlackMessages, type SlackMessage } from '../src/slack';
import {
  renderTeamsDigest,
  renderTeamsMessage,
  renderTeamsMessages,
  TEAMS_MAX_BODY_BYTES,
  type TeamsMessage,
} from '../src/teams';
import {
  fitTelegramText,
  renderTelegramDigestText,
  renderTelegramMessages,
  renderTelegramText,
  TELEGRAM_TEXT_LIMIT,
} from '../src/telegram/render';
import { sampleEvent } from './support/chat-fixtures';
import { clockOf, digestEvents } from './support/digest-events';

const SIZES = [1, 2, 10, 50, 200] as const;

/** The title each event's digest line starts with. */
const titleOf = (event: EventPayload) => describeDigest([event]).lines[0]!.title;

/** Line `i` of a digest shows event `i`: its title and its own clock time. */
function expectLinesInOrder(lines: readonly string[], events: readonly EventPayload[]): void {
  expect(lines).toHaveLength(events.length);
  lines.forEach((line, i) => {
    expect(line).toContain(titleOf(events[i]!));
    expect(line).toContain(clockOf(i));
  });
}

/** Adaptive Cards SDK parse and validation events for a card, as Teams renders it. */
function cardProblems(message: TeamsMessage): string[] {
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(new AC.Version(1, 4));
  card.parse(message.attachments[0]?.content, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) problems.push(context.getEventAt(i).message);
  for (const event of card.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

const WIDGET_KINDS = new Set(['textParagraph', 'decoratedText', 'divider', 'buttonList']);

/** What Chat would refuse in a cardsV2 message: ids, headers, sections and widget kinds. */
function cardsV2Problems(message: GoogleChatMessage): string[] {
  const problems: string[] = [];
  if (typeof message.text !== 'string') problems.push('text');
  for (const [i, card] of message.cardsV2.entries()) {
    if (typeof card.cardId !== 'string' || card.cardId === '') problems.push(`cardsV2[${i}].cardId`);
    if (!card.card?.header?.title) problems.push(`cardsV2[${i}].card.header.title`);
    const sections = card.card?.sections ?? [];
    if (sections.length === 0) problems.push(`cardsV2[${i}].card.sections`);
    let widgets = 0;
    for (const section of sections) {
      for (const widget of section.widgets ?? []) {
        widgets += 1;
        const kinds = Object.keys(widget);
        if (kinds.length !== 1 || !WIDGET_KINDS.has(kinds[0]!)) problems.push(`widget ${kinds.join(',')}`);
      }
    }
    if (widgets > 100) problems.push(`cardsV2[${i}] has ${widgets} widgets`);
  }
  if (message.thread && message.thread.threadKey.length > 4000) problems.push('thread.threadKey');
  return problems;
}

/** The digest's event lines in a Telegram or Matrix text: the lines after "Events". */
function eventLines(text: string): string[] {
  const lines = text.split('\n');
  return lines.slice(lines.indexOf('Events') + 1);
}

describe('fitDigest', () => {
  it('carries one event as the single message and never zero', () => {
    const single = (e: EventPayload) => `single ${e.id}`;
    const digest = (es: readonly EventPayload[]) => `digest ${es.length}`;
    const events = digestEvents(5);
    expect(fitDigest(events.slice(0, 1), { single, digest, fits: () => true })).toEqual({
      message: 'single evt-0000',
      carried: 1,
    });
    expect(fitDigest(events, { single, digest, fits: () => false })).toEqual({
      message: 'single evt-0000',
      carried: 1,
    });
    expect(fitDigest(events, { single, digest, fits: (m) => Number(m.split(' ')[1]) <= 3 })).toEqual({
      message: 'digest 3',
      carried: 3,
    });
    expect(() => fitDigest([], { single, digest, fits: () => true })).toThrow();
  });

  it('sums up the latest state of each resource, with the state before it', () => {
    const events = [
      sampleEvent('capsule.created', { resource: { type: 'sandbox', id: 'cl-a' } }),
      sampleEvent('capsule.created', { resource: { type: 'sandbox', id: 'cl-b' } }),
      sampleEvent('capsule.running', { resource: { type: 'sandbox', id: 'cl-a' } }),
      sampleEvent('capsule.destroyed', { resource: { type: 'sandbox', id: 'cl-a' } }),
      sampleEvent('host.down', { resource: { type: 'host', id: 'host-1' } }),
    ];
    const digest = describeDigest(events);
    expect(digest.headline).toBe('5 events');
    expect(digest.severity).toBe('attention');
    expect(digest.states.map((s) => [s.label, s.id, s.state, s.was, s.events])).toEqual([
      ['Capsule', 'cl-a', 'destroyed', 'running', 3],
      ['Capsule', 'cl-b', 'created', undefined, 1],
      ['Host', 'host-1', 'down', undefined, 1],
    ]);
  });

  it('keeps every digest line on one line whatever the event text holds', () => {
    for (const line of describeDigest(digestEvents(20)).lines) {
      for (const text of [line.resource ?? '', line.actor ?? '', ...line.details.flatMap((d) => [d.label, d.value])]) {
        expect(text).not.toMatch(/[\r\n]/);
        expect(text.length).toBeLessThanOrEqual(64);
      }
    }
  });
});

describe.each(SIZES)('a digest of %i hostile events', (count) => {
  // Hostile events are long enough that no provider reaches the 100-event cap: the limits decide.
  const events = digestEvents(count);

  it.runIf(count >= 2)('no digest carries a bidi control or a line break inside a line', () => {
    const few = events.slice(0, 5);
    const texts = [
      JSON.stringify(renderDiscordDigest(few)),
      JSON.stringify(renderSlackDigest(few)),
      JSON.stringify(renderTeamsDigest(few)),
      JSON.stringify(renderGoogleChatDigest(few)),
      renderTelegramDigestText(few).html,
      JSON.stringify(renderMatrixDigest(few)),
    ];
    for (const text of texts) expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(eventLines(renderMatrixDigest(few).body)).toHaveLength(few.length);
  });

  it('discord: within every embed limit, the longest prefix that fits, in order, mentions inert', () => {
    const { message, carried } = renderDiscordEmbeds(events);
    expect(carried).toBeGreaterThanOrEqual(1);
    expect(carried).toBeLessThanOrEqual(count);
    expect(discordEmbedErrors({ embeds: message })).toBeNull();
    if (carried === 1) {
      expect(message).toEqual([renderDiscordEmbed(events[0]!)]);
    } else {
      expect(message).toHaveLength(1);
      expectLinesInOrder(message[0]!.description!.split('\n'), events.slice(0, carried));
      expect(message[0]!.title).toBe(`${carried} events · team-42`);
      const text = JSON.stringify(message);
      expect(text).not.toMatch(/(?<!\\)\[a\]\(/);
      expect(text).not.toMatch(/(?<!\\)<@&/);
    }
    if (carried < count) {
      expect(discordEmbedErrors({ embeds: renderDiscordDigest(events.slice(0, carried + 1)) })).not.toBeNull();
    }
  });

  it('slack: within the Block Kit limits, the longest prefix that fits, in order, mentions inert', () => {
    const { message, carried } = renderSlackMessages(events);
    expect(carried).toBeGreaterThanOrEqual(1);
    expect(slackBlockProblem(message.blocks)).toBeNull();
    for (const attachment of message.attachments) expect(slackBlockProblem(attachment.blocks)).toBeNull();
    const texts = JSON.stringify(message);
    expect(texts).not.toMatch(/<!channel>|<users\/all>|<b>|<@&/);
    if (carried === 1) {
      expect(message).toEqual(renderSlackMessage(events[0]!));
    } else {
      const blocks = message.blocks as Array<{ type: string; text?: { text: string } }>;
      const divider = blocks.findIndex((b) => b.type === 'divider');
      expectLinesInOrder(
        blocks.slice(divider + 1).map((b) => b.text?.text ?? ''),
        events.slice(0, carried),
      );
    }
    if (carried < count) {
      expect(slackBlockProblem(renderSlackDigest(events.slice(0, carried + 1)).blocks)).not.toBeNull();
    }
  });

  it('teams: a valid Adaptive Card 1.4 under the size limit, the longest prefix that fits, in order', () => {
    const { message, carried } = renderTeamsMessages(events);
    expect(carried).toBeGreaterThanOrEqual(1);
    expect(cardProblems(message)).toEqual([]);
    expect(utf8Length(JSON.stringify(message))).toBeLessThanOrEqual(TEAMS_FAKE_MAX_BYTES);
    if (carried === 1) {
      expect(message).toEqual(renderTeamsMessage(events[0]!));
    } else {
      const body = message.attachments[0]!.content.body as Array<{ type: string; text?: string }>;
      const heading = body.findIndex((b) => b.text === 'Events');
      expectLinesInOrder(
        body.slice(heading + 1).map((b) => b.text ?? ''),
        events.slice(0, carried),
      );
      expect(JSON.stringify(message)).not.toMatch(/\{\{|\[a\]\(/);
    }
    if (carried < count) {
      expect(utf8Length(JSON.stringify(renderTeamsDigest(events.slice(0, carried + 1))))).toBeGreaterThan(
        TEAMS_MAX_BODY_BYTES,
      );
    }
  });

  it('google chat: valid cardsV2 within 32,000 bytes and 100 widgets, the longest prefix that fits, in order', () => {
    const { message, carried } = renderGoogleChatMessages(events);
    expect(carried).toBeGreaterThanOrEqual(1);
    expect(cardsV2Problems(message)).toEqual([]);
    expect(utf8Length(JSON.stringify(message))).toBeLessThanOrEqual(GOOGLE_CHAT_FAKE_MAX_BYTES);
    expect(JSON.stringify(message)).not.toMatch(/<users\/all>|<b>x<\/b>/);
    if (carried === 1) {
      expect(message).toEqual(renderGoogleChatMessage(events[0]!));
    } else {
      const sections = message.cardsV2[0]!.card!.sections!;
      const lines = sections.at(-1)!.widgets!.map((w) => w.textParagraph?.text ?? '');
      expectLinesInOrder(lines, events.slice(0, carried));
    }
    if (carried < count) {
      const next = renderGoogleChatDigest(events.slice(0, carried + 1));
      expect(googleChatMessageFits(next)).toBe(false);
      expect(utf8Length(JSON.stringify(next)) > GOOGLE_CHAT_MAX_BYTES || cardsV2Problems(next).length > 0).toBe(true);
    }
  });

  it('telegram: HTML Telegram parses, at most 4,096 visible characters, no mention, the longest prefix, in order', () => {
    const { text, carried } = fitTelegramText(events);
    expect(carried).toBeGreaterThanOrEqual(1);
    const parsed = parseTelegramHtml(text);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(detectMentions(parsed.text)).toEqual([]);
    expect(parsed.text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    if (carried === 1) {
      expect(text).toBe(renderTelegramText(events[0]!));
    } else {
      expectLinesInOrder(eventLines(parsed.text), events.slice(0, carried));
    }
    if (carried < count) {
      const next = parseTelegramHtml(renderTelegramDigestText(events.slice(0, carried + 1)).html);
      if (!next.ok) throw new Error(next.error);
      expect(next.text.length).toBeGreaterThan(TELEGRAM_TEXT_LIMIT);
    }
  });

  it('matrix: under 65,536 bytes, body and HTML alike, no mention, the longest prefix that fits, in order', () => {
    const { message, carried } = renderMatrixContents(events);
    expect(carried).toBeGreaterThanOrEqual(1);
    expect(utf8Length(JSON.stringify(message))).toBeLessThanOrEqual(MATRIX_MAX_EVENT_BYTES);
    expect(message['m.mentions']).toEqual({});
    expect(message.body).not.toMatch(/@(room|everyone)/);
    expect(message.formatted_body).not.toMatch(/<b>x<\/b>|<users|<!channel/);
    if (carried === 1) {
      expect(message).toEqual(renderMatrixContent(events[0]!));
    } else {
      expectLinesInOrder(eventLines(message.body), events.slice(0, carried));
      const htmlLines = message.formatted_body.split('<br>');
      expect(htmlLines.slice(htmlLines.indexOf('<b>Events</b>') + 1)).toHaveLength(carried);
    }
    if (carried < count) {
      const next: MatrixMessageContent = renderMatrixDigest(events.slice(0, carried + 1));
      expect(utf8Length(JSON.stringify(next))).toBeGreaterThan(MATRIX_CONTENT_BUDGET_BYTES);
    }
  });
});

describe('combined messages carry many events when they fit', () => {
  const plain = Array.from({ length: 60 }, (_, i) =>
    sampleEvent(i % 2 === 0 ? 'capsule.created' : 'capsule.destroyed', {
      id: `evt-${i}`,
      resource: { type: 'sandbox', id: `cl-${i}` },
    }),
  );

  it.each([
    ['discord', () => renderDiscordEmbeds(plain).carried, 30],
    ['slack', () => renderSlackMessages(plain).carried, 40],
    ['teams', () => renderTeamsMessages(plain).carried, 60],
    ['googlechat', () => renderGoogleChatMessages(plain).carried, 60],
    ['telegram', () => fitTelegramText(plain).carried, 30],
    ['matrix', () => renderMatrixContents(plain).carried, 60],
  ])('%s carries at least %i of 60 ordinary events', (_name, carried, atLeast) => {
    expect(carried()).toBeGreaterThanOrEqual(atLeast as number);
  });

  it('carries at most 100 events in one message, even where more would fit', () => {
    const many = Array.from({ length: 150 }, (_, i) => plain[i % plain.length]!);
    expect(renderMatrixContents(many).carried).toBe(MAX_DIGEST_EVENTS);
    expect(renderTeamsMessages(many).carried).toBe(MAX_DIGEST_EVENTS);
  });

  it('a google chat digest about one resource joins its thread; about several, starts its own', () => {
    const one = [sampleEvent('capsule.created'), sampleEvent('capsule.destroyed')];
    expect(renderGoogleChatDigest(one).thread).toEqual({ threadKey: threadKeyFor(one[0]!) });
    expect(renderGoogleChatDigest(plain.slice(0, 2)).thread).toBeUndefined();
  });

  it('a matrix transaction id is the delivery id alone, or stable for the same carried set', () => {
    expect(transactionId([{ deliveryId: 'dlv-1' }])).toBe('dlv-1');
    const set = [{ deliveryId: 'dlv-1' }, { deliveryId: 'dlv-2' }];
    expect(transactionId(set)).toBe(transactionId([...set]));
    expect(transactionId(set)).toMatch(/^wrenn-digest-[A-Za-z0-9_-]{43}$/);
    expect(transactionId(set)).not.toBe(transactionId([...set, { deliveryId: 'dlv-3' }]));
    expect(transactionId(set)).not.toBe(transactionId([...set].reverse()));
  });
});

// Keeps the shape the README shows honest: one digest embed, a header block first, and so on.
describe('digest layout', () => {
  const three = [
    sampleEvent('capsule.created', { timestamp: '2026-04-09T11:06:06Z' }),
    sampleEvent('capsule.paused', { timestamp: '2026-04-09T11:07:30Z' }),
    sampleEvent('capsule.destroyed', { timestamp: '2026-04-09T11:08:10Z' }),
  ];

  it('discord shows the latest state of the capsule as a field', () => {
    const [embed] = renderDiscordDigest(three) as [APIEmbed];
    expect(embed.fields).toEqual([
      { name: 'Capsule cl-7f3a9c', value: 'destroyed (was paused · 3 events)', inline: true },
    ]);
    expect(embed.color).toBe(0xe74c3c);
    expect(embed.timestamp).toBe('2026-04-09T11:08:10.000Z');
  });

  it('slack starts with a header naming the count', () => {
    const message: SlackMessage = renderSlackDigest(three);
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '3 events', emoji: false } });
    expect(message.text).toBe('3 events: Capsule created, Capsule paused, Capsule destroyed');
  });
});

describe('the README shows what the renderers produce', () => {
  const three = [
    sampleEvent('capsule.running', { id: 'evt-1', timestamp: '2026-04-09T11:06:06Z' }),
    sampleEvent('host.down', { id: 'evt-2', timestamp: '2026-04-09T11:07:30Z', metadata: {} }),
    sampleEvent('capsule.destroyed', { id: 'evt-3', timestamp: '2026-04-09T11:08:10Z' }),
  ];

  it('one combined message per provider, in the order of the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Combined messages'));
    const shown = [...section.slice(0, section.indexOf('\n## ', 5)).matchAll(/```json\n([\s\S]*?)\n```/g)].map(
      (m) => JSON.parse(m[1]!) as unknown,
    );
    expect(shown).toEqual([
      { embeds: renderDiscordEmbeds(three).message, allowed_mentions: { parse: [] } },
      renderSlackMessages(three).message,
      renderTeamsMessages(three).message,
      renderGoogleChatMessages(three).message,
      renderTelegramMessages(three, { chatId: -1001234567890 }).message,
      renderMatrixContents(three).message,
    ]);
  });
});

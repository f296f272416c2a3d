import { createHash } from 'node:crypto';
import type { chat_v1 } from '@googleapis/chat';
import type { EventPayload } from '@wrenn/events';
import { describeEvent, resourceLinks, type Severity, severityHex, truncate, utf8Length } from '../render';
import { describeDigest, fitDigest, lineDetailText, stateText } from '../render/digest';
import { escapeEntities, fitEscaped } from '../render/escape-entities';
import { DIGEST_MAX_STATES } from '../render/rich-text';
import { type FactLimits, shrinkFactsToFit } from '../render/shrink-facts';

/** Google Chat refuses messages above 32,000 bytes; the margin covers rounding. */
export const GOOGLE_CHAT_MAX_BYTES = 30_000;
/** Widgets past 100 in a card are silently dropped by Chat. */
export const GOOGLE_CHAT_MAX_WIDGETS = 100;
export const THREAD_KEY_MAX = 4000;

const TEXT_MAX = 1_000;
const HEADER_MAX = 200;
const LABEL_MAX = 200;

/** The subset of `chat_v1.Schema$Message` a webhook post uses. */
export interface GoogleChatMessage {
  text: string;
  cardsV2: chat_v1.Schema$CardWithId[];
  /** Absent on a digest about several resources: it starts a thread of its own. */
  thread?: { threadKey: string };
}

/**
 * One thread per resource, so every event about a capsule, snapshot or host
 * lands in the same conversation. Keys longer than Chat allows are hashed.
 */
export function threadKeyFor(event: EventPayload): string {
  const key = `wrenn-${event.resource.type}-${event.resource.id}`;
  if (key.length <= THREAD_KEY_MAX) return key;
  const digest = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, THREAD_KEY_MAX - digest.length - 1)}-${digest}`;
}

/** A buttonList widget opening the dashboard link of each resource `events` name; none without links. */
function linkWidgets(events: readonly EventPayload[]): chat_v1.Schema$GoogleAppsCardV1Widget[] {
  const links = resourceLinks(events);
  if (links.length === 0) return [];
  return [
    { buttonList: { buttons: links.map((link) => ({ text: link.label, onClick: { openLink: { url: link.url } } })) } },
  ];
}

function widgetsFor(event: EventPayload, { valueMax, factCount }: FactLimits): chat_v1.Schema$GoogleAppsCardV1Widget[] {
  const description = describeEvent(event);
  const widgets: chat_v1.Schema$GoogleAppsCardV1Widget[] = [
    { textParagraph: { text: `${severityMarker(description.severity)} ${fitEscaped(description.summary, TEXT_MAX)}` } },
  ];
  const facts = description.facts.slice(0, factCount);
  for (const fact of facts) {
    widgets.push({
      decoratedText: {
        topLabel: fitEscaped(fact.label.trim(), LABEL_MAX) || '(unnamed)',
        text: fitEscaped(fact.value.trim(), valueMax) || '—',
        wrapText: true,
      },
    });
  }
  const omitted = description.facts.length - facts.length;
  if (omitted > 0)
    widgets.push({ textParagraph: { text: `<i>${omitted} more detail${omitted === 1 ? '' : 's'} not shown</i>` } });
  widgets.push(...linkWidgets([event]));
  return widgets;
}

function messageFor(event: EventPayload, limits: FactLimits): GoogleChatMessage {
  const description = describeEvent(event);
  return {
    text: fitEscaped(description.summary, TEXT_MAX),
    cardsV2: [
      {
        cardId: `wrenn-${truncate(event.id, 60)}`,
        card: {
          header: {
            title: truncate(description.title, HEADER_MAX),
            subtitle: truncate(`Wrenn Channels · ${event.event} · ${description.timestamp}`, HEADER_MAX),
          },
          sections: [{ widgets: widgetsFor(event, limits) }],
        },
      },
    ],
    thread: { threadKey: threadKeyFor(event) },
  };
}

/**
 * Renders an event as a Google Chat `cardsV2` message: a header with the
 * title, the summary with a severity-coloured marker, one decoratedText per
 * fact, a short `text` for notifications, and the resource's thread key.
 * Untrusted text is escaped for Chat's HTML subset (`& < >`), which also
 * disarms `<users/all>` mentions; values are cut, then facts dropped, until
 * the message fits 100 widgets and the byte limit.
 */
export function renderGoogleChatMessage(event: EventPayload): GoogleChatMessage {
  return shrinkFactsToFit(
    (limits) => messageFor(event, limits),
    (message) => utf8Length(JSON.stringify(message)) <= GOOGLE_CHAT_MAX_BYTES,
    { maxFacts: GOOGLE_CHAT_MAX_WIDGETS - 2 - linkWidgets([event]).length, factStep: 10 },
  );
}

/** A dot in the severity's colour: Chat's HTML subset has no other way to colour a line. */
export function severityMarker(severity: Severity): string {
  return `<font color="${severityHex(severity)}">●</font>`;
}

/**
 * Renders several events as one card: a header with the count, team and
 * period, a "Latest state" section with one decoratedText per resource, and
 * an "Events" section with one line per event in order. A digest about one
 * resource joins that resource's thread. Nothing is cut to fit here: the
 * caller keeps only as many events as {@link googleChatMessageFits} allows.
 */
export function renderGoogleChatDigest(events: readonly EventPayload[]): GoogleChatMessage {
  const digest = describeDigest(events);
  const sections: chat_v1.Schema$GoogleAppsCardV1Section[] = [];
  if (digest.states.length > 0) {
    const widgets: chat_v1.Schema$GoogleAppsCardV1Widget[] = digest.states.slice(0, DIGEST_MAX_STATES).map((state) => ({
      decoratedText: {
        topLabel: escapeEntities(state.label),
        text: `${severityMarker(state.severity)} ${escapeEntities(state.id)}: <b>${stateText(state)}</b>`,
        wrapText: true,
      },
    }));
    const more = digest.states.length - DIGEST_MAX_STATES;
    if (more > 0) widgets.push({ textParagraph: { text: `<i>${more} more resource${more === 1 ? '' : 's'}</i>` } });
    sections.push({ header: 'Latest state', collapsible: false, widgets });
  }
  sections.push({
    header: 'Events',
    collapsible: false,
    widgets: digest.lines.map((line) => ({
      textParagraph: {
        text: `${severityMarker(line.severity)} <b>${line.title}</b> · ${escapeEntities(lineDetailText(line))}`,
      },
    })),
  });
  const links = linkWidgets(events);
  if (links.length > 0) sections.push({ header: 'Links', collapsible: false, widgets: links });
  const [first] = events;
  const message: GoogleChatMessage = {
    text: fitEscaped(`${digest.headline}: ${digest.lines.map((line) => line.title).join(', ')}`, TEXT_MAX),
    cardsV2: [
      {
        cardId: `wrenn-digest-${truncate(first?.id ?? '', 60)}`,
        card: {
          header: {
            title: digest.headline,
            subtitle: truncate(['Wrenn Channels', digest.team, digest.period].filter(Boolean).join(' · '), HEADER_MAX),
          },
          sections,
        },
      },
    ],
  };
  const resources = new Set(events.map((event) => JSON.stringify([event.resource.type, event.resource.id])));
  if (first && resources.size === 1) message.thread = { threadKey: threadKeyFor(first) };
  return message;
}

/** Whether a message fits Chat's byte limit and the widgets a card shows. */
export function googleChatMessageFits(message: GoogleChatMessage): boolean {
  const widgets = message.cardsV2.reduce(
    (sum, card) => sum + (card.card?.sections ?? []).reduce((n, section) => n + (section.widgets?.length ?? 0), 0),
    0,
  );
  return widgets <= GOOGLE_CHAT_MAX_WIDGETS && utf8Length(JSON.stringify(message)) <= GOOGLE_CHAT_MAX_BYTES;
}

/** The message carrying the leading `events`, and how many it carries. */
export function renderGoogleChatMessages(events: readonly EventPayload[]): {
  message: GoogleChatMessage;
  carried: number;
} {
  return fitDigest(events, {
    single: renderGoogleChatMessage,
    digest: renderGoogleChatDigest,
    fits: googleChatMessageFits,
  });
}

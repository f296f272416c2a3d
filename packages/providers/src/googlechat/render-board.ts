import { createHash } from 'node:crypto';
import type { chat_v1 } from '@googleapis/chat';
import type { BoardResource } from '../provider';
import { truncate } from '../render';
import { type BoardDescription, type BoardEntry, boardEntryLines, renderFittedBoard } from '../render/board';
import { escapeEntities, fitEscaped } from '../render/escape-entities';
import {
  GOOGLE_CHAT_MAX_WIDGETS,
  type GoogleChatMessage,
  googleChatMessageFits,
  severityMarker,
  THREAD_KEY_MAX,
} from './render';

const TEXT_MAX = 1_000;
const HEADER_MAX = 200;

/**
 * The thread a board's replies go to: the first resource's id, as the
 * contract says; an id longer than Chat's 4,000-character key is shortened
 * with a hash of the whole so distinct ids keep distinct threads.
 */
export function boardThreadKey(resourceId: string): string {
  if (resourceId.length <= THREAD_KEY_MAX) return resourceId;
  const digest = createHash('sha256').update(resourceId).digest('hex');
  return `${resourceId.slice(0, THREAD_KEY_MAX - digest.length - 1)}-${digest}`;
}

function entryHeader(entry: BoardEntry): string {
  return `${entry.label} ${entry.id} · ${entry.state}`;
}

/** A resource's events as one paragraph (one widget, whatever their number), with its dashboard button. */
function entryWidgets(entry: BoardEntry): chat_v1.Schema$GoogleAppsCardV1Widget[] {
  const lines = boardEntryLines(entry, {
    earlier: (text) => `<i>${text}</i>`,
    event: (line, detail) => `${severityMarker(line.severity)} <b>${line.title}</b> · ${escapeEntities(detail)}`,
  });
  const widgets: chat_v1.Schema$GoogleAppsCardV1Widget[] = [{ textParagraph: { text: lines.join('<br>') } }];
  if (entry.url) {
    widgets.push({ buttonList: { buttons: [{ text: 'Open in Wrenn', onClick: { openLink: { url: entry.url } } }] } });
  }
  return widgets;
}

/**
 * Renders what a board brings as one card: the headline, and per resource a
 * section headed by its current state ("Capsule cl-… · destroyed") with its
 * event lines and an "Open in Wrenn" button when it has a dashboard link.
 * Resources whose section would pass Chat's 100 widgets share a closing
 * paragraph, one line each.
 */
export function renderGoogleChatBoardCard(
  board: BoardDescription,
  cardId: string,
  threadKey: string,
): GoogleChatMessage {
  const sections: chat_v1.Schema$GoogleAppsCardV1Section[] = [];
  let widgets = 0;
  const rest: BoardEntry[] = [];
  for (const entry of board.resources) {
    const own = entryWidgets(entry);
    // One widget stays free for the closing paragraph of resources that do not get a section.
    if (rest.length > 0 || widgets + own.length > GOOGLE_CHAT_MAX_WIDGETS - 1) {
      rest.push(entry);
      continue;
    }
    widgets += own.length;
    sections.push({
      header: escapeEntities(truncate(entryHeader(entry), HEADER_MAX)),
      collapsible: false,
      widgets: own,
    });
  }
  if (rest.length > 0) {
    const lines = rest.map((entry) => `${severityMarker(entry.severity)} ${escapeEntities(entryHeader(entry))}`);
    sections.push({
      header: `${rest.length} more resource${rest.length === 1 ? '' : 's'}`,
      collapsible: false,
      widgets: [{ textParagraph: { text: lines.join('<br>') } }],
    });
  }
  const latest = board.resources.flatMap((entry) => entry.lines.slice(-1).map((line) => line.title));
  return {
    text: fitEscaped(`${board.headline}: ${latest.join(', ')}`, TEXT_MAX),
    cardsV2: [
      {
        cardId,
        card: {
          header: { title: escapeEntities(truncate(board.headline, HEADER_MAX)), subtitle: 'Wrenn Channels' },
          sections,
        },
      },
    ],
    thread: { threadKey },
  };
}

/**
 * A board as Google Chat shows it: no edits through a webhook, so each
 * request is a reply in the board's thread carrying only what it brings:
 * the resources it adds to, each with its `fresh` events under its current
 * state. Older lines give
 * way to "N earlier events" when they do not fit.
 */
export function renderGoogleChatBoard(
  resources: readonly BoardResource[],
  options: { deliveryId: string; threadKey: string },
): GoogleChatMessage {
  // A resource this request adds nothing to is already in the thread as it stands.
  const touched = resources.some((resource) => resource.fresh > 0)
    ? resources.filter((resource) => resource.fresh > 0)
    : resources;
  const fresh = touched.map((resource) => {
    const count = Math.min(resource.events.length, Math.max(1, resource.fresh));
    return { ...resource, events: resource.events.slice(-count), earlier: 0 };
  });
  const cardId = `wrenn-board-${truncate(options.deliveryId, 60)}`;
  return renderFittedBoard(
    fresh,
    (board) => renderGoogleChatBoardCard(board, cardId, options.threadKey),
    googleChatMessageFits,
  );
}

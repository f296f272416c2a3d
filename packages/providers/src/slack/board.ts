import type { ActionsBlock, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { BoardResource } from '../provider';
import { type BoardDescription, type BoardEntry, boardEntryLines, renderFittedBoard } from '../render/board';
import { escapeEntities, fitEscaped } from '../render/escape-entities';
import { SEVERITY_MARKS } from '../render/rich-text';
import { truncate } from '../render/truncate';
import { SLACK_LIMITS, slackMessageFits } from './block-kit-limits';
import type { SlackMessage } from './render';

/** Slack's limits on a URL button: its label and its address. */
const BUTTON_TEXT_MAX = 75;
const BUTTON_URL_MAX = 3000;
const FALLBACK_TEXT_MAX = 3000;

function mrkdwn(text: string) {
  return { type: 'mrkdwn' as const, text };
}

/** `<!date^…|fallback>` shows the time in each reader's own time zone. */
function slackDate(ms: number): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

/** A resource's section: its state on top, then "N earlier events" and its event lines, oldest first. */
function entrySection(entry: BoardEntry): SectionBlock {
  const lines = [
    `${SEVERITY_MARKS[entry.severity]} *${escapeEntities(`${entry.label} ${entry.id}`)}* · ${entry.state}`,
    ...boardEntryLines(entry, {
      earlier: (text) => `_${text}_`,
      event: (line, detail) => `• *${line.title}* · ${escapeEntities(detail)}`,
    }),
  ];
  // Lines are short and fitBoard trims them to fit; the cut is the last word for a resource that still does not.
  return { type: 'section', text: mrkdwn(truncate(lines.join('\n'), SLACK_LIMITS.sectionText)) };
}

/** A button opening the resource in the dashboard, when its latest event links it. */
function entryLink(entry: BoardEntry, index: number): ActionsBlock | undefined {
  if (!entry.url || entry.url.length > BUTTON_URL_MAX) return undefined;
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: `open-resource-${index}`,
        text: { type: 'plain_text', text: truncate(`Open ${entry.label.toLowerCase()} ${entry.id}`, BUTTON_TEXT_MAX) },
        url: entry.url,
      },
    ],
  };
}

function renderBoard(board: BoardDescription, updatedAt: number | undefined): SlackMessage {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncate(board.headline, SLACK_LIMITS.headerText), emoji: false },
    },
  ];
  // The header, the closing context and a line counting what does not fit stay within 50 blocks.
  const room = SLACK_LIMITS.blocks - 3;
  let shown = 0;
  for (const [index, entry] of board.resources.entries()) {
    const link = entryLink(entry, index);
    const needed = link ? 2 : 1;
    if (blocks.length - 1 + needed > room) break;
    blocks.push(entrySection(entry));
    if (link) blocks.push(link);
    shown += 1;
  }
  const hidden = board.resources.length - shown;
  if (hidden > 0) {
    blocks.push({ type: 'context', elements: [mrkdwn(`… and ${hidden} more resource${hidden === 1 ? '' : 's'}`)] });
  }
  const context: ContextBlock = {
    type: 'context',
    elements: [
      mrkdwn(['Wrenn Channels', ...(updatedAt === undefined ? [] : [`updated ${slackDate(updatedAt)}`])].join(' · ')),
    ],
  };
  blocks.push(context);
  const states = board.resources.map((entry) => `${entry.label} ${entry.id}: ${entry.state}`);
  const text = board.resources.length === 1 ? board.headline : `${board.headline} (${states.join(', ')})`;
  return { text: fitEscaped(text, FALLBACK_TEXT_MAX), blocks, attachments: [] };
}

/**
 * Renders a resource-style message as Block Kit: a header naming the
 * resource (or how many of each kind), one section per resource with its
 * current state and its event lines in order, a button to the dashboard when
 * its latest event links it, and a context line with the time of the latest
 * event. Older lines give way to "N earlier events" until the message fits
 * Slack's limits (50 blocks, 3,000 characters per section).
 */
export function renderSlackBoard(resources: readonly BoardResource[]): SlackMessage {
  const times = resources
    .flatMap((resource) => resource.events.map((event) => Date.parse(event.timestamp)))
    .filter((ms) => !Number.isNaN(ms));
  const updatedAt = times.length > 0 ? Math.max(...times) : undefined;
  return renderFittedBoard(resources, (board) => renderBoard(board, updatedAt), slackMessageFits);
}

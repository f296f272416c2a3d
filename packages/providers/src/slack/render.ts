import type {
  ActionsBlock,
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MessageAttachment,
  MrkdwnElement,
  SectionBlock,
} from '@slack/types';
import type { EventPayload } from '@wrenn/events';
import { describeEvent, resourceLinks, severityHex, truncate } from '../render';
import { describeDigest, fitDigest, lineDetailText, stateText } from '../render/digest';
import { escapeEntities, fitEscaped } from '../render/escape-entities';
import { SEVERITY_MARKS } from '../render/rich-text';
import { SLACK_LIMITS, slackMessageFits } from './block-kit-limits';

/** Slack cuts the top-level text near 40,000 characters; a notification line needs far less. */
const FALLBACK_TEXT_MAX = 3000;
const LABEL_MAX = 150;
/** Up to 40 facts are shown; more would bury the message (the context line counts the rest). */
const MAX_FIELD_SECTIONS = 4;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
  attachments: MessageAttachment[];
}

/** Buttons per actions block. */
const ACTIONS_MAX_ELEMENTS = 25;

/** One actions block with a url button per dashboard link of `events`; none without links. */
function linkButtons(events: readonly EventPayload[]): ActionsBlock[] {
  const links = resourceLinks(events).slice(0, ACTIONS_MAX_ELEMENTS);
  if (links.length === 0) return [];
  return [
    {
      type: 'actions',
      elements: links.map((link, index) => ({
        type: 'button',
        text: { type: 'plain_text', text: link.label, emoji: false },
        url: link.url,
        action_id: `wrenn-link-${index}`,
      })),
    },
  ];
}

function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text };
}

/** `<!date^…|fallback>` shows the time in each reader's own time zone. */
function slackDate(timestamp: string): string {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return escapeEntities(truncate(timestamp, 100));
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${new Date(ms).toISOString()}>`;
}

/** One field: bold label, then the value; both escaped and cut to fit 2,000 characters together. */
function factField(label: string, value: string): MrkdwnElement {
  const name = fitEscaped(label.trim(), LABEL_MAX) || '(unnamed)';
  const room = SLACK_LIMITS.fieldText - name.length - 3;
  const shown = fitEscaped(value.trim(), room) || '—';
  return mrkdwn(`*${name}*\n${shown}`);
}

/**
 * Renders an event as a Block Kit message: a header and the summary on top,
 * then the facts and the time in an attachment whose bar has the severity
 * colour, plus the top-level `text` Slack shows in notifications. Untrusted
 * text is escaped (`& < >`), which also disarms `<!channel>`-style mentions
 * and `<url|label>` links.
 */
export function renderSlackMessage(event: EventPayload): SlackMessage {
  const description = describeEvent(event);
  const header: HeaderBlock = {
    type: 'header',
    text: { type: 'plain_text', text: truncate(description.title, SLACK_LIMITS.headerText), emoji: false },
  };
  const summary: SectionBlock = {
    type: 'section',
    text: mrkdwn(fitEscaped(description.summary, SLACK_LIMITS.sectionText)),
  };

  const shownFacts = description.facts.slice(0, SLACK_LIMITS.sectionFields * MAX_FIELD_SECTIONS);
  const omitted = description.facts.length - shownFacts.length;
  const factSections: SectionBlock[] = [];
  for (let i = 0; i < shownFacts.length; i += SLACK_LIMITS.sectionFields) {
    const fields = shownFacts.slice(i, i + SLACK_LIMITS.sectionFields).map((f) => factField(f.label, f.value));
    factSections.push({ type: 'section', fields });
  }
  const contextParts = ['Wrenn Channels', event.event, slackDate(description.timestamp)];
  if (omitted > 0) contextParts.push(`${omitted} more detail${omitted === 1 ? '' : 's'} not shown`);
  const context: ContextBlock = { type: 'context', elements: [mrkdwn(contextParts.join(' · '))] };

  return {
    text: fitEscaped(`${description.title}: ${description.summary}`, FALLBACK_TEXT_MAX),
    blocks: [header, summary, ...linkButtons([event])],
    attachments: [{ color: severityHex(description.severity), blocks: [...factSections, context] }],
  };
}

/**
 * Renders several events as one Block Kit message: a header with the count,
 * a context line with the team and period, the latest state of up to ten
 * resources as section fields, a divider, then one section per event in
 * order. Nothing is cut to fit here: the caller keeps only as many events as
 * {@link slackMessageFits} allows.
 */
export function renderSlackDigest(events: readonly EventPayload[]): SlackMessage {
  const digest = describeDigest(events);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: digest.headline, emoji: false } },
    {
      type: 'context',
      elements: [mrkdwn(escapeEntities(['Wrenn Channels', digest.team, digest.period].filter(Boolean).join(' · ')))],
    },
  ];
  const shown = digest.states.slice(0, SLACK_LIMITS.sectionFields);
  if (shown.length > 0) {
    blocks.push({
      type: 'section',
      fields: shown.map((state) => mrkdwn(`*${escapeEntities(`${state.label} ${state.id}`)}*\n${stateText(state)}`)),
    });
  }
  const more = digest.states.length - shown.length;
  if (more > 0)
    blocks.push({ type: 'context', elements: [mrkdwn(`… and ${more} more resource${more === 1 ? '' : 's'}`)] });
  blocks.push(...linkButtons(events), { type: 'divider' });
  for (const line of digest.lines) {
    blocks.push({
      type: 'section',
      text: mrkdwn(`${SEVERITY_MARKS[line.severity]} *${line.title}* · ${escapeEntities(lineDetailText(line))}`),
    });
  }
  const titles = digest.lines.map((line) => line.title).join(', ');
  return {
    text: fitEscaped(`${digest.headline}: ${titles}`, FALLBACK_TEXT_MAX),
    blocks,
    attachments: [],
  };
}

/** The message carrying the leading `events`, and how many it carries. */
export function renderSlackMessages(events: readonly EventPayload[]): { message: SlackMessage; carried: number } {
  return fitDigest(events, { single: renderSlackMessage, digest: renderSlackDigest, fits: slackMessageFits });
}

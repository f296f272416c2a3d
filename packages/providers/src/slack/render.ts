import type {
  ContextBlock,
  HeaderBlock,
  KnownBlock,
  MessageAttachment,
  MrkdwnElement,
  SectionBlock,
} from '@slack/types';
import type { EventPayload } from '@wrenn/events';
import { describeEvent, SEVERITY_COLORS, truncate } from '../render';
import { escapeEntities, fitEscaped } from '../render/escape-entities';

/** Block Kit limits (PROVIDERS 2.2). */
export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
} as const;

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

function hexColor(rgb: number): string {
  return `#${rgb.toString(16).padStart(6, '0').toUpperCase()}`;
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
    blocks: [header, summary],
    attachments: [{ color: hexColor(SEVERITY_COLORS[description.severity]), blocks: [...factSections, context] }],
  };
}

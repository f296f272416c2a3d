import type { EventPayload } from '@wrenn/events';
import { describeEvent, type Severity, truncate, utf8Length } from '../render';

/** Teams refuses posts above about 28 KB ("Request Entity too large"); the margin covers headers and rounding. */
export const TEAMS_MAX_BODY_BYTES = 27_000;

const CONTAINER_STYLE: Record<Severity, string> = {
  good: 'good',
  warning: 'warning',
  attention: 'attention',
  info: 'accent',
};

const TITLE_MAX = 100;
const SUMMARY_MAX = 2_000;
const FACT_TITLE_MAX = 100;
const FIRST_FACT_VALUE_MAX = 1_000;
/** Below this a value says too little; facts are dropped instead. */
const MIN_FACT_VALUE_MAX = 60;
const MAX_FACTS = 60;
/** Resource, actor, team and time are always kept. */
const CORE_FACTS = 4;

export interface AdaptiveFact {
  title: string;
  value: string;
}

/** The Workflows `message` envelope holding one Adaptive Card. */
export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: Record<string, unknown>;
  }>;
}

/**
 * Text Teams must show literally. Card templating would evaluate `{{…}}`
 * (e.g. `{{DATE(…)}}`), so the braces are split.
 */
function literal(text: string): string {
  return text.replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
}

/**
 * TextBlock markdown has no escape syntax, so emphasis and link characters
 * are removed from untrusted text shown in one.
 */
export function stripTextBlockMarkdown(text: string): string {
  return literal(text.replace(/[*_[\]]/g, ''));
}

/** Fact values render as data, but a `[label](url)` would still become a link there: break the `](`. */
function factText(text: string, max: number): string {
  return literal(truncate(text.trim(), max).replace(/\]\(/g, '] ('));
}

function card(event: EventPayload, facts: AdaptiveFact[]): Record<string, unknown> {
  const description = describeEvent(event);
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body: [
      {
        type: 'Container',
        style: CONTAINER_STYLE[description.severity],
        bleed: true,
        items: [
          {
            type: 'TextBlock',
            text: truncate(description.title, TITLE_MAX),
            weight: 'Bolder',
            size: 'Medium',
            wrap: true,
          },
          {
            type: 'TextBlock',
            text: stripTextBlockMarkdown(truncate(description.summary, SUMMARY_MAX)),
            wrap: true,
            spacing: 'Small',
          },
        ],
      },
      { type: 'FactSet', facts },
      {
        type: 'TextBlock',
        text: stripTextBlockMarkdown(`Wrenn Channels · ${event.event} · ${truncate(description.timestamp, 64)}`),
        isSubtle: true,
        size: 'Small',
        wrap: true,
      },
    ],
  };
}

function envelope(content: Record<string, unknown>): TeamsMessage {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

function factsWithin(event: EventPayload, valueMax: number, count: number): AdaptiveFact[] {
  const all = describeEvent(event).facts;
  const facts = all.slice(0, count).map((fact) => ({
    title: factText(fact.label, FACT_TITLE_MAX) || '(unnamed)',
    value: factText(fact.value, valueMax) || '—',
  }));
  const omitted = all.length - facts.length;
  if (omitted > 0) facts.push({ title: 'More', value: `${omitted} more detail${omitted === 1 ? '' : 's'} not shown` });
  return facts;
}

/**
 * Renders an event as an Adaptive Card 1.4 in the envelope the Workflows
 * "post to a channel" template expects: a container styled by severity with
 * the title and summary, a FactSet, and a subtle time line. Values are cut,
 * then facts dropped, until the JSON body fits Teams' size limit.
 */
export function renderTeamsMessage(event: EventPayload): TeamsMessage {
  let valueMax = FIRST_FACT_VALUE_MAX;
  let count = MAX_FACTS;
  for (;;) {
    const message = envelope(card(event, factsWithin(event, valueMax, count)));
    if (utf8Length(JSON.stringify(message)) <= TEAMS_MAX_BODY_BYTES) return message;
    if (valueMax > MIN_FACT_VALUE_MAX) valueMax = Math.max(MIN_FACT_VALUE_MAX, Math.floor(valueMax / 2));
    else if (count > CORE_FACTS) count = Math.max(CORE_FACTS, count - 8);
    else return envelope(card(event, factsWithin(event, MIN_FACT_VALUE_MAX, CORE_FACTS)));
  }
}

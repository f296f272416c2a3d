import type { EventPayload } from '@wrenn/events';
import { describeEvent, resourceLinks, type Severity, truncate, utf8Length } from '../render';
import { describeDigest, fitDigest, lineDetailText, stateText } from '../render/digest';
import { DIGEST_MAX_STATES, SEVERITY_MARKS } from '../render/rich-text';
import { type FactLimits, shrinkFactsToFit } from '../render/shrink-facts';

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
const MAX_FACTS = 60;

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

/** `Action.OpenUrl` buttons for the dashboard links of `events`, set on the card when there are any. */
function withLinks(content: Record<string, unknown>, events: readonly EventPayload[]): Record<string, unknown> {
  const links = resourceLinks(events);
  if (links.length === 0) return content;
  return { ...content, actions: links.map((link) => ({ type: 'Action.OpenUrl', title: link.label, url: link.url })) };
}

function envelope(content: Record<string, unknown>): TeamsMessage {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }],
  };
}

function factsWithin(event: EventPayload, { valueMax, factCount }: FactLimits): AdaptiveFact[] {
  const all = describeEvent(event).facts;
  const facts = all.slice(0, factCount).map((fact) => ({
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
  return shrinkFactsToFit(
    (limits) => envelope(withLinks(card(event, factsWithin(event, limits)), [event])),
    (message) => utf8Length(JSON.stringify(message)) <= TEAMS_MAX_BODY_BYTES,
    { maxFacts: MAX_FACTS, factStep: 8 },
  );
}

/**
 * Renders several events as one Adaptive Card: a container styled by the most
 * severe event with the count, team and period, the latest state of each
 * resource as a FactSet, then one TextBlock per event in order. Nothing is
 * cut to fit here: the caller keeps only as many events as
 * {@link teamsMessageFits} allows.
 */
export function renderTeamsDigest(events: readonly EventPayload[]): TeamsMessage {
  const digest = describeDigest(events);
  const body: Array<Record<string, unknown>> = [
    {
      type: 'Container',
      style: CONTAINER_STYLE[digest.severity],
      bleed: true,
      items: [
        { type: 'TextBlock', text: digest.headline, weight: 'Bolder', size: 'Medium', wrap: true },
        {
          type: 'TextBlock',
          text: stripTextBlockMarkdown(['Wrenn Channels', digest.team, digest.period].filter(Boolean).join(' · ')),
          isSubtle: true,
          size: 'Small',
          wrap: true,
          spacing: 'Small',
        },
      ],
    },
  ];
  if (digest.states.length > 0) {
    const facts: AdaptiveFact[] = digest.states.slice(0, DIGEST_MAX_STATES).map((state) => ({
      title: factText(`${state.label} ${state.id}`, FACT_TITLE_MAX) || 'Resource',
      value: stateText(state),
    }));
    const more = digest.states.length - DIGEST_MAX_STATES;
    if (more > 0) facts.push({ title: 'More', value: `${more} more resource${more === 1 ? '' : 's'}` });
    body.push({ type: 'TextBlock', text: 'Latest state', weight: 'Bolder', wrap: true }, { type: 'FactSet', facts });
  }
  body.push({ type: 'TextBlock', text: 'Events', weight: 'Bolder', wrap: true, separator: true });
  for (const line of digest.lines) {
    body.push({
      type: 'TextBlock',
      text: `${SEVERITY_MARKS[line.severity]} **${line.title}** · ${stripTextBlockMarkdown(lineDetailText(line))}`,
      wrap: true,
      spacing: 'Small',
    });
  }
  return envelope(
    withLinks(
      {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        msteams: { width: 'Full' },
        body,
      },
      events,
    ),
  );
}

/** Whether the posted JSON stays under Teams' size limit. */
export function teamsMessageFits(message: TeamsMessage): boolean {
  return utf8Length(JSON.stringify(message)) <= TEAMS_MAX_BODY_BYTES;
}

/** The card carrying the leading `events`, and how many it carries. */
export function renderTeamsMessages(events: readonly EventPayload[]): { message: TeamsMessage; carried: number } {
  return fitDigest(events, { single: renderTeamsMessage, digest: renderTeamsDigest, fits: teamsMessageFits });
}

import type { EventDescription, Severity } from './describe-event';
import { type DigestDescription, lineDetailText, stateText } from './digest';
import { escapeHtml } from './escape-entities';
import { truncate } from './truncate';

/**
 * A piece of plain text with an optional emphasis and an optional link (a
 * board's resources link to their dashboard page). Renderers that produce
 * markup (Telegram HTML, Matrix HTML) build lines of segments so the visible
 * text and the markup come from the same plain pieces: limits are checked on
 * what the reader sees, and escaping happens exactly once, at the end.
 */
export interface Segment {
  text: string;
  style?: 'bold' | 'code';
  href?: string;
}

export type Line = Segment[];

const WORD_JOINER = '\u2060';

/**
 * Breaks `@name` and `@room` so no client turns event text into a mention or
 * a room-wide ping. The invisible word joiner keeps the text readable.
 */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(?=[\p{L}\p{N}_])/gu, `@${WORD_JOINER}`);
}

/**
 * Removes bidirectional embedding, override and isolate controls: in event
 * text they only serve to make a message display something it does not say.
 */
export function stripBidiControls(text: string): string {
  return text.replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
}

/** Untrusted text as a text format may show it: no mention, no bidi control. */
export function safePiece(text: string): string {
  return neutralizeMentions(stripBidiControls(text));
}

/** The reader-visible text of some lines, one line per `\n`. */
export function plainText(lines: readonly Line[]): string {
  return lines.map((line) => line.map((s) => s.text).join('')).join('\n');
}

const HTML_TAGS: Record<NonNullable<Segment['style']>, string> = { bold: 'b', code: 'code' };

function segmentHtml(segment: Segment): string {
  let html = escapeHtml(segment.text);
  if (segment.style) html = `<${HTML_TAGS[segment.style]}>${html}</${HTML_TAGS[segment.style]}>`;
  return segment.href ? `<a href="${escapeHtml(segment.href)}">${html}</a>` : html;
}

/** The same lines as HTML: every piece escaped, links as `<a href>`, lines joined by `lineBreak`. */
export function htmlText(lines: readonly Line[], lineBreak: string): string {
  return lines.map((line) => line.map(segmentHtml).join('')).join(lineBreak);
}

/** Caps applied to every untrusted piece before markup; renderers shrink them until the message fits. */
export interface PieceLimits {
  /** Longest fact value or summary, in UTF-16 code units. */
  value: number;
  /** Longest fact label. */
  label: number;
  /** Most facts shown; the rest are counted in a closing line. */
  facts: number;
}

/** Limits to try in order, generous first; the last always fits every provider using them. */
export const PIECE_LIMIT_STEPS: readonly PieceLimits[] = [
  { value: 1024, label: 64, facts: 25 },
  { value: 512, label: 64, facts: 25 },
  { value: 256, label: 48, facts: 25 },
  { value: 128, label: 32, facts: 20 },
  { value: 64, label: 32, facts: 15 },
  { value: 32, label: 24, facts: 10 },
];

/** A coloured mark per severity for text formats. */
export const SEVERITY_MARKS: Readonly<Record<Severity, string>> = {
  good: '🟢',
  warning: '🟡',
  attention: '🔴',
  info: '🔵',
};

/** Fact labels that carry identifiers, shown as code so they read (and copy) exactly. */
const IDENTIFIER_LABELS = new Set(['Capsule', 'Snapshot', 'Host', 'Channel', 'Team']);

/**
 * The notification as lines: a bold title with a severity mark, the summary,
 * then one `label: value` line per fact. Untrusted pieces are truncated to
 * `limits` and have mentions and bidi controls neutralised; nothing is escaped yet.
 */
export function notificationLines(description: EventDescription, limits: PieceLimits): Line[] {
  const safe = (text: string, max: number) => neutralizeMentions(truncate(stripBidiControls(text), max));
  const lines: Line[] = [
    [{ text: `${SEVERITY_MARKS[description.severity]} ` }, { text: description.title, style: 'bold' }],
    [{ text: safe(description.summary, limits.value) }],
    [],
  ];
  const shown = description.facts.slice(0, limits.facts);
  for (const fact of shown) {
    const label: Segment = { text: `${safe(fact.label, limits.label)}:`, style: 'bold' };
    // An empty entity is pointless markup and some parsers reject it.
    if (fact.value === '') {
      lines.push([label, { text: ' (empty)' }]);
      continue;
    }
    const value = safe(fact.value, limits.value);
    lines.push([
      label,
      { text: ' ' },
      IDENTIFIER_LABELS.has(fact.label) ? { text: value, style: 'code' } : { text: value },
    ]);
  }
  const hidden = description.facts.length - shown.length;
  if (hidden > 0) lines.push([{ text: `… and ${hidden} more` }]);
  return lines;
}

/** Resources listed by name in a digest's state summary; the rest are counted. */
export const DIGEST_MAX_STATES = 10;

/**
 * A digest as lines: the headline with the team and period, the latest state
 * of each resource, then one line per event in order. Pieces were cut short
 * by `describeDigest`; here mentions and bidi controls are neutralised.
 */
export function digestLines(digest: DigestDescription): Line[] {
  const lines: Line[] = [
    [
      { text: `${SEVERITY_MARKS[digest.severity]} ` },
      { text: digest.headline, style: 'bold' },
      { text: safePiece(` · ${digest.team}${digest.period ? ` · ${digest.period}` : ''}`) },
    ],
  ];
  if (digest.states.length > 0) {
    lines.push([], [{ text: 'Latest state', style: 'bold' }]);
    for (const state of digest.states.slice(0, DIGEST_MAX_STATES)) {
      lines.push([
        { text: `• ${safePiece(state.label)} ` },
        { text: safePiece(state.id), style: 'code' },
        { text: `: ${stateText(state)}` },
      ]);
    }
    const more = digest.states.length - DIGEST_MAX_STATES;
    if (more > 0) lines.push([{ text: `… and ${more} more resource${more === 1 ? '' : 's'}` }]);
  }
  lines.push([], [{ text: 'Events', style: 'bold' }]);
  for (const line of digest.lines) {
    const segments: Line = [{ text: `${SEVERITY_MARKS[line.severity]} ` }, { text: line.title, style: 'bold' }];
    if (line.resource !== undefined) segments.push({ text: ' · ' }, { text: safePiece(line.resource), style: 'code' });
    const rest = lineDetailText({ ...line, resource: undefined });
    segments.push({ text: safePiece(line.resource !== undefined && line.actor ? ` ${rest}` : ` · ${rest}`) });
    lines.push(segments);
  }
  return lines;
}

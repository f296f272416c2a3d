import type { EventPayload, EventType } from '@wrenn/events';
import { describeEvent, RESOURCE_LABELS, type Severity } from './describe-event';
import { truncate } from './truncate';

/** Caps on untrusted pieces of a digest line: a line stays short whatever the event carries. */
const ID_MAX = 64;
const ACTOR_MAX = 48;
const DETAIL_LABEL_MAX = 24;
const DETAIL_VALUE_MAX = 48;
/**
 * Events one message carries at most: a longer digest is a wall nobody reads,
 * and the cost of fitting stays bounded whatever batch the caller passes.
 */
export const MAX_DIGEST_EVENTS = 100;
/** Metadata shown per line; the single-event message is where every detail lives. */
const DETAILS_PER_LINE = 2;

/** The state a resource is in after each event. */
export const STATES: Record<EventType, string> = {
  'capsule.created': 'created',
  'capsule.running': 'running',
  'capsule.paused': 'paused',
  'capsule.destroyed': 'destroyed',
  'template.snapshot.created': 'created',
  'template.snapshot.deleted': 'deleted',
  'host.up': 'up',
  'host.down': 'down',
  'channel.disabled': 'disabled',
  'channel.test': 'tested',
};

export const SEVERITY_RANK: Record<Severity, number> = { info: 0, good: 1, warning: 2, attention: 3 };

/** One event of a digest as plain, already truncated text; renderers escape it for their format. */
export interface DigestLine {
  severity: Severity;
  /** "Capsule created" (ours, not user text). */
  title: string;
  /** The resource id, or `undefined` for a channel test. */
  resource: string | undefined;
  /** Who did it; `undefined` for system events. */
  actor: string | undefined;
  /** Up to two metadata pairs. */
  details: Array<{ label: string; value: string }>;
  /** `HH:MM:SS` (UTC) when the timestamp parses, else the raw text cut short. */
  time: string;
}

/** Where a resource ended up after the digest's events. */
export interface ResourceState {
  /** "Capsule" */
  label: string;
  id: string;
  /** Latest state: "destroyed". */
  state: string;
  /** The distinct state before the latest one, when the digest shows a change. */
  was: string | undefined;
  /** How many of the digest's events concern this resource. */
  events: number;
  severity: Severity;
}

/** Provider-neutral content of a combined message. */
export interface DigestDescription {
  /** "12 events" */
  headline: string;
  /** The team all events belong to (a channel has one team). */
  team: string;
  /** "2026-04-09 11:06:06 – 11:08:10 UTC" */
  period: string;
  /** The most severe event's severity: the message colour. */
  severity: Severity;
  lines: DigestLine[];
  /** One entry per resource, in order of first appearance. */
  states: ResourceState[];
}

/**
 * Line breaks and tabs inside a piece would split a digest line; they become
 * spaces. Bidi embedding, override and isolate controls would reorder the
 * rest of the line; they go.
 */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ').replace(/[\u202A-\u202E\u2066-\u2069]/g, '');
}

/** A short single-line piece of untrusted text. */
function piece(text: string, max: number): string {
  return truncate(oneLine(text), max);
}

function clockTime(timestamp: string): string {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? piece(timestamp, 32) : new Date(ms).toISOString().slice(11, 19);
}

function periodOf(events: readonly EventPayload[]): string {
  const times = events.map((e) => Date.parse(e.timestamp)).filter((t) => !Number.isNaN(t));
  if (times.length === 0) return '';
  const first = new Date(Math.min(...times)).toISOString();
  const last = new Date(Math.max(...times)).toISOString();
  const day = (iso: string) => iso.slice(0, 10);
  const clock = (iso: string) => iso.slice(11, 19);
  if (first === last) return `${day(first)} ${clock(first)} UTC`;
  const end = day(first) === day(last) ? clock(last) : `${day(last)} ${clock(last)}`;
  return `${day(first)} ${clock(first)} – ${end} UTC`;
}

function actorOf(actor: EventPayload['actor']): string | undefined {
  if (actor.type === 'system') return undefined;
  return piece(actor.name || actor.id || actor.type, ACTOR_MAX);
}

function detailValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/** The plain text of a resource's latest state: "destroyed (was running · 3 events)". */
export function stateText(state: ResourceState): string {
  const notes: string[] = [];
  if (state.was !== undefined) notes.push(`was ${state.was}`);
  if (state.events > 1) notes.push(`${state.events} events`);
  return notes.length > 0 ? `${state.state} (${notes.join(' · ')})` : state.state;
}

/** How a resource type is named: "Capsule", or the (shortened) type itself when it has no label. */
export function resourceLabel(type: string): string {
  return RESOURCE_LABELS[type] ?? piece(type, DETAIL_LABEL_MAX);
}

/** A resource id as a digest or board shows it: one line, cut short. */
export function resourceId(id: string): string {
  return piece(id, ID_MAX);
}

/** One event as a short line: every untrusted piece cut short, so its length is bounded. */
export function digestLine(event: EventPayload): DigestLine {
  const description = describeEvent(event);
  return {
    severity: description.severity,
    title: description.title,
    resource: event.event === 'channel.test' ? undefined : resourceId(event.resource.id),
    actor: actorOf(event.actor),
    details: Object.entries(event.metadata)
      .slice(0, DETAILS_PER_LINE)
      .map(([label, value]) => ({
        label: piece(label, DETAIL_LABEL_MAX),
        value: piece(detailValue(value), DETAIL_VALUE_MAX),
      })),
    time: clockTime(event.timestamp),
  };
}

/**
 * Describes several events to one channel as one digest: a headline with the
 * count, one short line per event in the given (ingest) order, and the latest
 * state of each resource. Every untrusted piece is cut short here, so a
 * line's length is bounded whatever the event carries.
 */
export function describeDigest(events: readonly EventPayload[]): DigestDescription {
  const lines: DigestLine[] = [];
  const states = new Map<string, ResourceState>();
  let severity: Severity = 'info';
  for (const event of events) {
    const description = describeEvent(event);
    if (SEVERITY_RANK[description.severity] > SEVERITY_RANK[severity]) severity = description.severity;
    const isTest = event.event === 'channel.test';
    lines.push(digestLine(event));
    if (isTest) continue;
    const key = JSON.stringify([event.resource.type, event.resource.id]);
    const state = STATES[event.event];
    const known = states.get(key);
    if (!known) {
      states.set(key, {
        label: resourceLabel(event.resource.type),
        id: resourceId(event.resource.id),
        state,
        was: undefined,
        events: 1,
        severity: description.severity,
      });
      continue;
    }
    known.events += 1;
    if (known.state !== state) known.was = known.state;
    known.state = state;
    known.severity = description.severity;
  }
  const teams = new Set(events.map((e) => e.team_id));
  return {
    headline: `${events.length} event${events.length === 1 ? '' : 's'}`,
    team: teams.size === 1 ? piece(events[0]?.team_id ?? '', ID_MAX) : `${teams.size} teams`,
    period: periodOf(events),
    severity,
    lines,
    states: [...states.values()],
  };
}

/** The plain text of a digest line after its title: "cl-abc by Ada · template: python-3.12 · 11:06:06". */
export function lineDetailText(line: DigestLine): string {
  const parts: string[] = [];
  if (line.resource !== undefined) parts.push(line.actor ? `${line.resource} by ${line.actor}` : line.resource);
  else if (line.actor) parts.push(`by ${line.actor}`);
  for (const detail of line.details) parts.push(`${detail.label}: ${detail.value}`);
  parts.push(line.time);
  return parts.join(' · ');
}

/**
 * Picks how many leading events one message carries: all of them when they
 * fit, else the longest prefix that fits, at least one. A lone event (or one
 * whose digest with the next does not fit) gets the single-event message,
 * truncated as usual. At most {@link MAX_DIGEST_EVENTS} travel together. Fitting only grows with the number of events (every
 * event adds a line), so a binary search finds the longest prefix.
 */
export function fitDigest<M>(
  events: readonly EventPayload[],
  render: {
    single: (event: EventPayload) => M;
    digest: (events: readonly EventPayload[]) => M;
    fits: (message: M) => boolean;
  },
): { message: M; carried: number } {
  const [first] = events;
  if (!first) throw new Error('a message needs at least one event');
  if (events.length === 1) return { message: render.single(first), carried: 1 };
  let best: { message: M; carried: number } | undefined;
  let low = 2;
  let high = Math.min(events.length, MAX_DIGEST_EVENTS);
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const message = render.digest(events.slice(0, middle));
    if (render.fits(message)) {
      best = { message, carried: middle };
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return best ?? { message: render.single(first), carried: 1 };
}

import type { EventPayload } from '@wrenn/events';
import type { BoardResource } from '../provider';
import type { Severity } from './describe-event';
import {
  type DigestLine,
  digestLine,
  lineDetailText,
  resourceId,
  resourceLabel,
  SEVERITY_RANK,
  STATES,
} from './digest';

/**
 * Event lines one resource keeps at most, whatever the caller passes: older
 * ones are counted as earlier events, so rendering stays bounded.
 */
export const MAX_BOARD_LINES = 50;

/** One resource of a board: where it stands now and how it got there. */
export interface BoardEntry {
  /** "Capsule" */
  label: string;
  /** The resource id, one line, cut short. */
  id: string;
  /** The state after its latest event: "destroyed". */
  state: string;
  /** Its events, oldest first, as digest lines. */
  lines: DigestLine[];
  /** Earlier events no longer shown: "N earlier events". */
  earlier: number;
  /** The severity of its latest event: where it stands now, not the worst it went through. */
  severity: Severity;
  /** The dashboard link of its latest event (`resource.url`), when it has one and it is http(s). */
  url: string | undefined;
}

/** Provider-neutral content of a resource-style message. */
export interface BoardDescription {
  /** One resource: "Capsule cl-7f3a9c · destroyed"; several: "3 capsules, 1 host". */
  headline: string;
  /** The most severe current state among the resources: the message colour. */
  severity: Severity;
  /** Every resource, in order of first appearance. */
  resources: BoardEntry[];
}

/** Only web links become buttons and anchors: anything else in `resource.url` is ignored. */
function linkOf(event: EventPayload | undefined): string | undefined {
  const url = event?.resource.url;
  if (!url || !URL.canParse(url)) return undefined;
  const protocol = new URL(url).protocol;
  return protocol === 'https:' || protocol === 'http:' ? url : undefined;
}

function describeEntry(resource: BoardResource): BoardEntry {
  const shown = resource.events.slice(-MAX_BOARD_LINES);
  const latest = shown.at(-1);
  const lines = shown.map(digestLine);
  return {
    label: resourceLabel(resource.type),
    id: resourceId(resource.id),
    state: latest ? STATES[latest.event] : 'unknown',
    lines,
    earlier: resource.earlier + (resource.events.length - shown.length),
    severity: lines.at(-1)?.severity ?? 'info',
    url: linkOf(latest),
  };
}

/** "capsule" → "3 capsules": labels are ours and regular; an unknown type is shown as it is. */
function counted(label: string, count: number): string {
  const noun = label.toLowerCase();
  return count === 1 ? `1 ${noun}` : `${count} ${noun}s`;
}

/** The headline of a board: the lone resource and its state, or how many of each kind it shows. */
export function boardHeadline(resources: readonly BoardEntry[]): string {
  const [only] = resources;
  if (resources.length === 1 && only) return `${only.label} ${only.id} · ${only.state}`;
  const kinds = new Map<string, number>();
  for (const entry of resources) kinds.set(entry.label, (kinds.get(entry.label) ?? 0) + 1);
  return [...kinds].map(([label, count]) => counted(label, count)).join(', ');
}

/**
 * Describes a resource-style message: each resource with its current state,
 * its events in order, how many earlier ones are no longer shown and its
 * dashboard link. Every untrusted piece is cut short as in a digest.
 */
export function describeBoard(resources: readonly BoardResource[]): BoardDescription {
  const entries = resources.map(describeEntry);
  let severity: Severity = 'info';
  for (const entry of entries) if (SEVERITY_RANK[entry.severity] > SEVERITY_RANK[severity]) severity = entry.severity;
  return { headline: boardHeadline(entries), severity, resources: entries };
}

/** "2 earlier events": what stands for the lines a resource no longer shows. */
export function earlierText(count: number): string {
  return `${count} earlier event${count === 1 ? '' : 's'}`;
}

/** A board line after its title, without the resource id the board already names: "by Ada · template: python-3.12 · 11:06:06". */
export function boardLineDetail(line: DigestLine): string {
  return lineDetailText({ ...line, resource: undefined });
}

/** How a format writes a resource's lines: the "N earlier events" note, and one event after its title. */
export interface EntryLineFormat<L> {
  earlier(text: string): L;
  event(line: DigestLine, detail: string): L;
}

/**
 * A resource's lines in one format: "N earlier events" first when older lines
 * gave way, then one line per event, oldest first, its detail without the
 * resource id the board already names.
 */
export function boardEntryLines<L>(entry: BoardEntry, format: EntryLineFormat<L>): L[] {
  const lines = entry.lines.map((line) => format.event(line, boardLineDetail(line)));
  return entry.earlier > 0 ? [format.earlier(earlierText(entry.earlier)), ...lines] : lines;
}

/** The board with every resource keeping at most its `keep` latest lines; the rest count as earlier events. */
export function keepLatestLines(board: BoardDescription, keep: number): BoardDescription {
  return {
    ...board,
    resources: board.resources.map((entry) => {
      const dropped = Math.max(0, entry.lines.length - keep);
      if (dropped === 0) return entry;
      return { ...entry, lines: entry.lines.slice(dropped), earlier: entry.earlier + dropped };
    }),
  };
}

/**
 * Fits a board to a provider's limits: the longest per-resource line count
 * (the same for every resource, at least one line) whose rendering `fits`,
 * older lines giving way to "N earlier events". Fitting only grows as lines
 * go, so a binary search finds it. When even one line each does not fit, the
 * one-line board comes back and the renderer's own truncation has the last
 * word.
 */
export function fitBoard<M>(
  board: BoardDescription,
  render: (board: BoardDescription) => M,
  fits: (message: M) => boolean,
): { board: BoardDescription; message: M } {
  const longest = Math.max(1, ...board.resources.map((entry) => entry.lines.length));
  const whole = render(board);
  if (fits(whole)) return { board, message: whole };
  let best: { board: BoardDescription; message: M } | undefined;
  let low = 1;
  let high = longest - 1;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const trimmed = keepLatestLines(board, middle);
    const message = render(trimmed);
    if (fits(message)) {
      best = { board: trimmed, message };
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  if (best) return best;
  const minimal = keepLatestLines(board, 1);
  return { board: minimal, message: render(minimal) };
}

/** Describes `resources` as a board and renders it within a provider's limits (see {@link fitBoard}). */
export function renderFittedBoard<M>(
  resources: readonly BoardResource[],
  render: (board: BoardDescription) => M,
  fits: (message: M) => boolean,
): M {
  return fitBoard(describeBoard(resources), render, fits).message;
}

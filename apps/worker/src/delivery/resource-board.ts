import type { EventPayload } from '@wrenn/events';
import type { BoardResource, MessageRef } from '@wrenn/providers';

/** Events that always post a new message: an edit notifies no one. */
export const ALERT_EVENTS: ReadonlySet<string> = new Set(['host.down', 'channel.disabled']);

/** Events a resource's stored message keeps; older ones are counted as earlier events. */
export const KEPT_EVENTS = 25;
/** Resources and events one new message carries at most. */
export const MAX_POST_RESOURCES = 50;
export const MAX_POST_EVENTS = 100;

/** What is stored of a resource's message (see `resource_messages`). */
export interface StoredResource {
  type: string;
  id: string;
  ref: MessageRef;
  /** The reference as canonical JSON: the resources of one message share it. */
  key: string;
  postedAt: Date;
  /** Oldest first. */
  events: EventPayload[];
  earlier: number;
  /** Its place on its message's board. */
  position: number;
}

/** The request a board sends for the leading events of a mailbox. */
export interface BoardPlan {
  /** How many leading events it carries (at least 1). */
  carried: number;
  /** The message to edit; `undefined` posts a new one. */
  previous: MessageRef | undefined;
  resources: BoardResource[];
}

/** The reference as canonical JSON (sorted keys). */
export function messageKey(ref: MessageRef): string {
  return JSON.stringify(Object.fromEntries(Object.entries(ref).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

/** A resource's identity in one channel. */
export function resourceKey(type: string, id: string): string {
  return JSON.stringify([type, id]);
}

/** Keeps the latest `KEPT_EVENTS` events; the dropped ones are counted. */
function capped(events: EventPayload[], earlier: number, fresh: number): Omit<BoardResource, 'type' | 'id'> {
  const dropped = Math.max(0, events.length - KEPT_EVENTS);
  return { events: events.slice(dropped), earlier: earlier + dropped, fresh: Math.min(fresh, events.length - dropped) };
}

/**
 * Plans the request for the leading `events` of a resource-style channel.
 * When the first event's resource has a live message (posted within
 * `editWindowMs`) and the event is not an alert, the request edits that
 * message: it carries the leading events about resources of that same
 * message (no alerts), and the board shows every resource of the message with
 * the new events appended. Otherwise it posts a new message carrying the
 * leading events that would not be edits, within the caps; a resource that had
 * a message keeps its stored history on the new one.
 */
export function planBoard(
  events: readonly EventPayload[],
  stored: readonly StoredResource[],
  options: { now: number; editWindowMs: number },
): BoardPlan {
  const [first] = events;
  if (!first) throw new Error('a board needs at least one event');
  const byResource = new Map(stored.map((s) => [resourceKey(s.type, s.id), s]));
  const storedOf = (event: EventPayload) => byResource.get(resourceKey(event.resource.type, event.resource.id));
  const live = (s: StoredResource | undefined): s is StoredResource =>
    s !== undefined && options.now - s.postedAt.getTime() < options.editWindowMs;
  const editable = (event: EventPayload) => !ALERT_EVENTS.has(event.event) && live(storedOf(event));

  const fresh = new Map<string, EventPayload[]>();
  const order: Array<{ type: string; id: string }> = [];
  const add = (event: EventPayload) => {
    const key = resourceKey(event.resource.type, event.resource.id);
    const list = fresh.get(key);
    if (list) list.push(event);
    else {
      fresh.set(key, [event]);
      order.push({ type: event.resource.type, id: event.resource.id });
    }
  };
  const toResource = (type: string, id: string): BoardResource => {
    const key = resourceKey(type, id);
    const kept = byResource.get(key);
    const news = fresh.get(key) ?? [];
    const all = capped([...(kept?.events ?? []), ...news], kept?.earlier ?? 0, news.length);
    return { type, id, ...all };
  };

  const firstStored = storedOf(first);
  if (editable(first) && firstStored) {
    const key = firstStored.key;
    let carried = 0;
    for (const event of events) {
      if (carried >= MAX_POST_EVENTS || !editable(event) || storedOf(event)?.key !== key) break;
      add(event);
      carried += 1;
    }
    const members = stored.filter((s) => s.key === key).sort((a, b) => a.position - b.position);
    return { carried, previous: firstStored.ref, resources: members.map((s) => toResource(s.type, s.id)) };
  }

  let carried = 0;
  for (const event of events) {
    if (carried >= MAX_POST_EVENTS || editable(event)) break;
    const isNew = !fresh.has(resourceKey(event.resource.type, event.resource.id));
    if (isNew && order.length >= MAX_POST_RESOURCES) break;
    add(event);
    carried += 1;
  }
  return { carried, previous: undefined, resources: order.map((r) => toResource(r.type, r.id)) };
}

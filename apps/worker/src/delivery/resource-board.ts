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

/**
 * The channel's newest message, and how many of the leading events were
 * already waiting when it was posted: those are the same burst, and the ones
 * about resources without a live message join it instead of posting anew.
 */
export interface Burst {
  key: string;
  events: number;
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
 * the new events appended. Events of the `burst` about resources without a
 * live message join the burst's message the same way, as new entries, while it
 * has room. Otherwise it posts a new message carrying the leading events that
 * would not be edits, within the caps; a resource that had a message keeps its
 * stored history on the new one.
 */
export function planBoard(
  events: readonly EventPayload[],
  stored: readonly StoredResource[],
  options: { now: number; editWindowMs: number; burst?: Burst | undefined },
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

  const burst = options.burst;
  const burstMembers = burst ? stored.filter((s) => s.key === burst.key && live(s)) : [];
  /** The event, at this place, may join the burst's message as a new entry (a full board takes no one). */
  const joins = (event: EventPayload, index: number) =>
    burst !== undefined &&
    burstMembers.length > 0 &&
    burstMembers.length < MAX_POST_RESOURCES &&
    index < burst.events &&
    !ALERT_EVENTS.has(event.event) &&
    !live(storedOf(event));

  const firstStored = storedOf(first);
  const target = editable(first) && firstStored ? firstStored : joins(first, 0) ? burstMembers[0] : undefined;
  if (target) {
    const key = target.key;
    const members = stored.filter((s) => s.key === key).sort((a, b) => a.position - b.position);
    const on = new Set(members.map((s) => resourceKey(s.type, s.id)));
    const joined: Array<{ type: string; id: string }> = [];
    let carried = 0;
    for (const [index, event] of events.entries()) {
      if (carried >= MAX_POST_EVENTS) break;
      const edit = editable(event) && storedOf(event)?.key === key;
      const join = key === burst?.key && joins(event, index);
      if (!edit && !join) break;
      const id = resourceKey(event.resource.type, event.resource.id);
      if (!edit && !on.has(id)) {
        if (members.length + joined.length >= MAX_POST_RESOURCES) break;
        on.add(id);
        joined.push(event.resource);
      }
      add(event);
      carried += 1;
    }
    const shown = [...members, ...joined];
    return { carried, previous: target.ref, resources: shown.map((s) => toResource(s.type, s.id)) };
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

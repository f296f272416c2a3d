import type { EventPayload } from '@wrenn/events';
import { describe, expect, it } from 'vitest';
import {
  KEPT_EVENTS,
  MAX_POST_RESOURCES,
  messageKey,
  planBoard,
  type StoredResource,
} from '../src/delivery/resource-board';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const HOUR = 3_600_000;
const OPTIONS = { now: NOW, editWindowMs: 24 * HOUR };

let seq = 0;
function event(type: string, resourceType: string, resourceId: string): EventPayload {
  seq += 1;
  return {
    id: `evt-${String(seq).padStart(4, '0')}`,
    event: type,
    timestamp: new Date(NOW).toISOString(),
    team_id: 'team-1',
    actor: { type: 'system' },
    resource: { type: resourceType, id: resourceId },
    metadata: {},
  } as EventPayload;
}
const capsule = (type: string, id: string) => event(`capsule.${type}`, 'sandbox', id);

function stored(
  type: string,
  id: string,
  messageId: string,
  events: EventPayload[],
  postedAgoMs = HOUR,
  position = 0,
): StoredResource {
  const ref = { chat_id: '-100', message_id: messageId };
  return {
    type,
    id,
    ref,
    key: messageKey(ref),
    postedAt: new Date(NOW - postedAgoMs),
    events,
    earlier: 0,
    position,
  };
}

describe('planBoard', () => {
  it('posts the first event about a resource', () => {
    const created = capsule('created', 'cl-a');
    const plan = planBoard([created], [], OPTIONS);
    expect(plan).toEqual({
      carried: 1,
      previous: undefined,
      resources: [{ type: 'sandbox', id: 'cl-a', events: [created], fresh: 1, earlier: 0 }],
    });
  });

  it('edits the live message of the first event, carrying only events about that message', () => {
    const created = capsule('created', 'cl-a');
    const a = stored('sandbox', 'cl-a', '7', [created], HOUR, 0);
    const b = stored('sandbox', 'cl-b', '7', [capsule('created', 'cl-b')], HOUR, 1);
    const other = stored('sandbox', 'cl-c', '8', [capsule('created', 'cl-c')]);
    const paused = capsule('paused', 'cl-a');
    const bRunning = capsule('running', 'cl-b');
    const cPaused = capsule('paused', 'cl-c');
    const plan = planBoard([paused, bRunning, cPaused], [other, b, a], OPTIONS);
    expect(plan.carried).toBe(2);
    expect(plan.previous).toEqual(a.ref);
    expect(plan.resources.map((r) => [r.id, r.events.map((e) => e.event), r.fresh])).toEqual([
      ['cl-a', ['capsule.created', 'capsule.paused'], 1],
      ['cl-b', ['capsule.created', 'capsule.running'], 1],
    ]);
  });

  it('posts an alert anew, with the resource’s history, even when it has a live message', () => {
    const up = event('host.up', 'host', 'host-1');
    const host = stored('host', 'host-1', '3', [up]);
    const down = event('host.down', 'host', 'host-1');
    const plan = planBoard([down, capsule('paused', 'cl-x')], [host], OPTIONS);
    expect(plan.previous).toBeUndefined();
    expect(plan.carried).toBe(2);
    expect(plan.resources[0]).toEqual({ type: 'host', id: 'host-1', events: [up, down], fresh: 1, earlier: 0 });
  });

  it('stops an edit at an alert, and a post at an event that would be an edit', () => {
    const a = stored('sandbox', 'cl-a', '1', [capsule('created', 'cl-a')]);
    const host = stored('host', 'host-1', '1', [event('host.up', 'host', 'host-1')], HOUR, 1);
    const edit = planBoard([capsule('paused', 'cl-a'), event('host.down', 'host', 'host-1')], [a, host], OPTIONS);
    expect(edit.carried).toBe(1);
    const post = planBoard([capsule('created', 'cl-new'), capsule('paused', 'cl-a')], [a], OPTIONS);
    expect(post).toMatchObject({ carried: 1, previous: undefined });
  });

  it('posts anew past the edit window', () => {
    const a = stored('sandbox', 'cl-a', '1', [capsule('created', 'cl-a')], 2 * HOUR);
    const plan = planBoard([capsule('paused', 'cl-a')], [a], { now: NOW, editWindowMs: HOUR });
    expect(plan.previous).toBeUndefined();
    expect(plan.resources[0]?.events.map((e) => e.event)).toEqual(['capsule.created', 'capsule.paused']);
  });

  it('combines a burst of new resources into one post, up to the cap', () => {
    const burst = Array.from({ length: MAX_POST_RESOURCES + 5 }, (_, i) => capsule('created', `cl-${i}`));
    const plan = planBoard(burst, [], OPTIONS);
    expect(plan.carried).toBe(MAX_POST_RESOURCES);
    expect(plan.resources).toHaveLength(MAX_POST_RESOURCES);
  });

  it('lets new resources of the burst join the newest message, then stops at the first that came later', () => {
    const a = stored('sandbox', 'cl-a', '1', [capsule('created', 'cl-a')], 1_000);
    const [b, c, d] = ['cl-b', 'cl-c', 'cl-d'].map((id) => capsule('created', id));
    const plan = planBoard([b, c, d] as EventPayload[], [a], { ...OPTIONS, burst: { key: a.key, events: 2 } });
    expect(plan.carried).toBe(2);
    expect(plan.previous).toEqual(a.ref);
    expect(plan.resources.map((r) => [r.id, r.fresh])).toEqual([
      ['cl-a', 0],
      ['cl-b', 1],
      ['cl-c', 1],
    ]);
  });

  it('posts anew when the burst’s message is full', () => {
    const full = Array.from({ length: MAX_POST_RESOURCES }, (_, i) =>
      stored('sandbox', `cl-${i}`, '1', [capsule('created', `cl-${i}`)], 1_000, i),
    );
    const burst = { key: (full[0] as StoredResource).key, events: 3 };
    const plan = planBoard(
      ['cl-x', 'cl-y', 'cl-z'].map((id) => capsule('created', id)),
      full,
      { ...OPTIONS, burst },
    );
    expect(plan).toMatchObject({ carried: 3, previous: undefined });
    expect(plan.resources.map((r) => r.id)).toEqual(['cl-x', 'cl-y', 'cl-z']);
  });

  it('never lets an alert, or a resource with its own live message, join a burst', () => {
    const a = stored('sandbox', 'cl-a', '1', [capsule('created', 'cl-a')], 1_000);
    const other = stored('sandbox', 'cl-x', '2', [capsule('created', 'cl-x')], 1_000);
    const burst = { key: a.key, events: 5 };
    const down = event('host.down', 'host', 'h-1');
    expect(planBoard([down], [a], { ...OPTIONS, burst })).toMatchObject({ carried: 1, previous: undefined });
    const paused = capsule('paused', 'cl-x');
    expect(planBoard([paused], [a, other], { ...OPTIONS, burst }).previous).toEqual(other.ref);
    // Past the edit window the newest message takes no one.
    const old = stored('sandbox', 'cl-a', '1', [capsule('created', 'cl-a')], 2 * HOUR);
    const late = planBoard([capsule('created', 'cl-b')], [old], { now: NOW, editWindowMs: HOUR, burst });
    expect(late.previous).toBeUndefined();
  });

  it('keeps the latest events and counts the older ones', () => {
    const history = Array.from({ length: KEPT_EVENTS }, () => capsule('running', 'cl-a'));
    const a = stored('sandbox', 'cl-a', '1', history);
    const next = capsule('paused', 'cl-a');
    const [resource] = planBoard([next], [a], OPTIONS).resources;
    expect(resource?.events).toHaveLength(KEPT_EVENTS);
    expect(resource?.events.at(-1)).toBe(next);
    expect(resource?.earlier).toBe(1);
    expect(resource?.fresh).toBe(1);
  });
});

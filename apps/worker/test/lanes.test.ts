import { describe, expect, it } from 'vitest';
import { createLanes, type Lane, type LaneSignal, type LaneTicket } from '../src/delivery/lanes';

/**
 * A steady stream through the lane: its window kept full, the oldest request
 * answered with `signal`, a new one started for each free place; `rounds`
 * windows' worth of answers. Returns the window after.
 */
function roundTrip(lane: Lane, signal: LaneSignal, rounds = 1): number {
  const out: LaneTicket[] = [];
  const fill = () => {
    while (lane.room() > 0) out.push(lane.start());
  };
  fill();
  for (let round = 0; round < rounds; round++) {
    for (let answered = lane.window(); answered > 0 && out.length > 0; answered--) {
      lane.finish(out.shift() as LaneTicket, signal);
      fill();
    }
  }
  for (const ticket of out.splice(0)) lane.finish(ticket, { kind: 'answered', latencyMs: lane.latencyMs() ?? 5 });
  return lane.window();
}

const fast: LaneSignal = { kind: 'answered', latencyMs: 5 };

describe('a signed webhook lane', () => {
  it('grows by about one per window of fast answers while its window is full', () => {
    const lane = createLanes({ initialWindow: 2 }).laneFor('webhook:a', true);
    const windows = [lane.window()];
    for (let round = 0; round < 20; round++) windows.push(roundTrip(lane, fast));
    // Never shrinks on fast answers, and climbs by one a window: no doubling into a limit.
    for (let i = 1; i < windows.length; i++) expect(windows[i]).toBeGreaterThanOrEqual(windows[i - 1] as number);
    expect(windows.at(-1)).toBeGreaterThanOrEqual(18);
    expect(windows.at(-1)).toBeLessThanOrEqual(23);
  });

  it('does not grow while it has spare room: one request at a time says nothing about more', () => {
    const lane = createLanes({ initialWindow: 4 }).laneFor('webhook:b', true);
    for (let i = 0; i < 100; i++) lane.finish(lane.start(), fast);
    expect(lane.window()).toBe(4);
  });

  it('halves on a strain, once for all the requests that were out together', () => {
    const lane = createLanes({ initialWindow: 16 }).laneFor('webhook:c', true);
    const tickets = Array.from({ length: 16 }, () => lane.start());
    // Sixteen 429s or timeouts from one window of requests are one signal.
    for (const ticket of tickets) lane.finish(ticket, { kind: 'strained' });
    expect(lane.window()).toBe(8);
    // The requests of the next window strain it again: halved again; never below one.
    const next = Array.from({ length: lane.room() }, () => lane.start());
    for (const ticket of next) lane.finish(ticket, { kind: 'strained' });
    expect(lane.window()).toBe(4);
    for (let round = 0; round < 10; round++) {
      for (const ticket of Array.from({ length: lane.room() }, () => lane.start())) {
        lane.finish(ticket, { kind: 'strained' });
      }
    }
    expect(lane.window()).toBe(1);
  });

  it('shrinks when answers get much slower than usual, then settles at the new speed', () => {
    const lane = createLanes({ initialWindow: 16 }).laneFor('webhook:d', true);
    roundTrip(lane, fast);
    const before = lane.window();
    const slow: LaneSignal = { kind: 'answered', latencyMs: 600 };
    roundTrip(lane, slow);
    expect(lane.window()).toBeLessThan(before);
    // Once slow answers are the destination's usual, they count as fast again and the window grows.
    roundTrip(lane, slow, 200);
    const settled = lane.window();
    roundTrip(lane, slow, 5);
    expect(lane.window()).toBeGreaterThan(settled);
    expect(lane.latencyMs()).toBeGreaterThan(500);
  });

  it('never grows for a destination that takes seconds to answer, however steady', () => {
    const lane = createLanes({ initialWindow: 2 }).laneFor('webhook:f', true);
    roundTrip(lane, { kind: 'answered', latencyMs: 8_000 }, 100);
    expect(lane.window()).toBe(2);
  });

  it('counts its requests in flight and tells its listeners when one is answered', () => {
    const lane = createLanes({ initialWindow: 2 }).laneFor('webhook:e', true);
    const first = lane.start();
    lane.start();
    expect(lane.room()).toBe(0);
    expect(lane.inFlight()).toBe(2);
    let settled = 0;
    const stop = lane.onSettle(() => settled++);
    lane.finish(first, fast);
    expect(settled).toBe(1);
    expect(lane.room()).toBeGreaterThan(0);
    stop();
    lane.finish(lane.start(), fast);
    expect(settled).toBe(1);
  });
});

describe('lanes', () => {
  it('keep one request at a time for a chat destination, whatever its answers', () => {
    const lane = createLanes({ initialWindow: 8 }).laneFor('slack:a', false);
    for (let i = 0; i < 50; i++) roundTrip(lane, fast);
    expect(lane.window()).toBe(1);
    lane.start();
    expect(lane.room()).toBe(0);
  });

  it('share a destination between channels, and cap the requests in flight over all destinations', () => {
    const lanes = createLanes({ initialWindow: 4, maxInFlight: 6 });
    expect(lanes.laneFor('webhook:x', true)).toBe(lanes.laneFor('webhook:x', true));
    const x = lanes.laneFor('webhook:x', true);
    const y = lanes.laneFor('webhook:y', true);
    for (let i = 0; i < 4; i++) x.start();
    expect(y.room()).toBe(2);
    y.start();
    y.start();
    expect(y.room()).toBe(0);
    expect(lanes.inFlight()).toBe(6);
  });
});

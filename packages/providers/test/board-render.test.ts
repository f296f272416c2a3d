import { describe, expect, it } from 'vitest';
import type { BoardResource } from '../src/provider';
import {
  boardLineDetail,
  describeBoard,
  earlierText,
  fitBoard,
  keepLatestLines,
  MAX_BOARD_LINES,
  STATES,
} from '../src/render';
import { CAPSULE_LIFE, capsuleBoard, capsuleStep, crowdedBoard } from './support/board-fixtures';
import { sampleEvent } from './support/chat-fixtures';

describe('describeBoard', () => {
  it('shows one capsule with its current state, its events in order and a headline naming it', () => {
    const board = describeBoard([capsuleBoard(4)]);
    expect(board.headline).toBe('Capsule cl-7f3a9c · destroyed');
    const [entry] = board.resources;
    expect(entry).toMatchObject({ label: 'Capsule', id: 'cl-7f3a9c', state: 'destroyed', earlier: 0 });
    expect(entry?.lines.map((line) => line.title)).toEqual([
      'Capsule created',
      'Capsule resumed',
      'Capsule paused',
      'Capsule destroyed',
    ]);
    expect(entry?.lines.map((line) => line.time)).toEqual(['11:00:00', '11:01:00', '11:02:00', '11:03:00']);
    expect(entry?.severity).toBe('attention');
    expect(board.severity).toBe('attention');
  });

  it('takes the state and severity after the latest event, not the worst one', () => {
    const board = describeBoard([capsuleBoard(2)]);
    expect(board.resources[0]).toMatchObject({ state: 'running', severity: 'good' });
    expect(board.headline).toBe('Capsule cl-7f3a9c · running');
  });

  it('counts the resources of each kind in the headline of a board of several', () => {
    const host = sampleEvent('host.down');
    const resources: BoardResource[] = [
      ...crowdedBoard(3, 1),
      { type: 'host', id: 'host-eu-1', events: [host], fresh: 1, earlier: 0 },
    ];
    const board = describeBoard(resources);
    expect(board.headline).toBe('3 capsules, 1 host');
    expect(board.resources.map((entry) => entry.id)).toEqual(['cl-000', 'cl-001', 'cl-002', 'host-eu-1']);
    expect(board.severity).toBe('attention');
  });

  it('links a resource to the url of its latest event only, and only to a web address', () => {
    const url = 'https://dash.wrenn.example/capsules/cl-7f3a9c';
    const linked = capsuleBoard(2);
    linked.events[1] = capsuleStep(1, { resource: { type: 'sandbox', id: 'cl-7f3a9c', url } });
    expect(describeBoard([linked]).resources[0]?.url).toBe(url);

    const olderOnly = capsuleBoard(2);
    olderOnly.events[0] = capsuleStep(0, { resource: { type: 'sandbox', id: 'cl-7f3a9c', url } });
    expect(describeBoard([olderOnly]).resources[0]?.url).toBeUndefined();

    const script = capsuleBoard(1, { resource: { type: 'sandbox', id: 'cl-7f3a9c', url: 'javascript:alert(1)' } });
    expect(describeBoard([script]).resources[0]?.url).toBeUndefined();
  });

  it('keeps the earlier count it is given and bounds the lines it keeps', () => {
    const many: BoardResource = { ...capsuleBoard(1), earlier: 7 };
    many.events = Array.from({ length: MAX_BOARD_LINES + 5 }, (_, i) => capsuleStep(i % 4, { id: `evt-${i}` }));
    const [entry] = describeBoard([many]).resources;
    expect(entry?.lines).toHaveLength(MAX_BOARD_LINES);
    expect(entry?.earlier).toBe(12);
  });

  it('cuts untrusted ids and lines short', () => {
    const long = capsuleBoard(1, { resource: { type: 'sandbox', id: `cl-${'x'.repeat(5000)}\nsecond line` } });
    const [entry] = describeBoard([long]).resources;
    expect(entry?.id.length).toBeLessThanOrEqual(64);
    expect(entry?.id).not.toContain('\n');
  });

  it('names every event type with a state', () => {
    for (const type of CAPSULE_LIFE) expect(STATES[type]).toBeTruthy();
  });
});

describe('board lines', () => {
  it('leave the resource id out: the board already names it', () => {
    const [entry] = describeBoard([capsuleBoard(1)]).resources;
    expect(boardLineDetail(entry!.lines[0]!)).toBe('by Ada · template: python-3.12 · 11:00:00');
  });

  it('say how many earlier events there were', () => {
    expect(earlierText(1)).toBe('1 earlier event');
    expect(earlierText(3)).toBe('3 earlier events');
  });
});

describe('fitBoard', () => {
  /** A stand-in renderer: one text line per event line, plus the "earlier" line. */
  const render = (board: ReturnType<typeof describeBoard>) =>
    board.resources
      .flatMap((entry) => [
        ...(entry.earlier > 0 ? [earlierText(entry.earlier)] : []),
        ...entry.lines.map((line) => `${line.title} ${boardLineDetail(line)}`),
      ])
      .join('\n');

  it('leaves a board that fits as it is', () => {
    const board = describeBoard([capsuleBoard(4)]);
    expect(fitBoard(board, render, () => true).board).toBe(board);
  });

  it('replaces the oldest lines with an earlier count until the board fits', () => {
    const board = describeBoard(crowdedBoard(5, 20));
    const budget = 3000;
    const fitted = fitBoard(board, render, (text) => text.length <= budget);
    expect(fitted.message.length).toBeLessThanOrEqual(budget);
    expect(fitted.message).toContain('earlier events');
    for (const [i, entry] of fitted.board.resources.entries()) {
      const original = board.resources[i]!;
      expect(entry.lines.length + entry.earlier).toBe(original.lines.length);
      // The newest lines stay: the latest event is always shown.
      expect(entry.lines.at(-1)).toEqual(original.lines.at(-1));
    }
    // As many lines as fit: one more line each would not.
    const keep = fitted.board.resources[0]!.lines.length;
    expect(render(keepLatestLines(board, keep + 1)).length).toBeGreaterThan(budget);
  });

  it('keeps one line per resource when nothing smaller exists', () => {
    const board = describeBoard(crowdedBoard(3, 4));
    const fitted = fitBoard(board, render, () => false);
    expect(fitted.board.resources.map((entry) => [entry.lines.length, entry.earlier])).toEqual([
      [1, 3],
      [1, 3],
      [1, 3],
    ]);
  });
});

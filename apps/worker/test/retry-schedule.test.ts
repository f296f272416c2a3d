import { describe, expect, it } from 'vitest';
import { createRetrySchedule, isLastAttempt } from '../src/retry-schedule';

describe('retry schedule', () => {
  it('allows one attempt more than it has delays', () => {
    expect(createRetrySchedule([10_000, 30_000])).toEqual({ delays: [10_000, 30_000], attempts: 3 });
    expect(createRetrySchedule([]).attempts).toBe(1);
  });

  it.each([
    [0, false],
    [1, false],
    [2, true],
    // A schedule shortened since the delivery began: whatever it has used already, it is done.
    [3, true],
    [7, true],
  ])('with three attempts, one made after %i failures is last: %s', (failures, last) => {
    expect(isLastAttempt(createRetrySchedule([10_000, 30_000]), failures)).toBe(last);
  });

  it('makes the first attempt the last when there are no delays', () => {
    expect(isLastAttempt(createRetrySchedule([]), 0)).toBe(true);
  });

  it('with five attempts, only one made after four failures is last', () => {
    const schedule = createRetrySchedule([1, 1, 1, 1]);
    expect([0, 1, 2, 3, 4].map((failures) => isLastAttempt(schedule, failures))).toEqual([
      false,
      false,
      false,
      false,
      true,
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { createMicroBatcher, type MicroBatcherOptions } from '../src/batch/micro-batcher';

/** The next turn of the event loop: whatever was added before it has been taken into a batch. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Gate {
  promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * A batcher whose `run` records every batch it is given and answers each item
 * with `answer(item)`. With `held`, a batch waits until the test opens its gate,
 * so the test decides when a slot frees.
 */
function recording<I, O>(
  options: Omit<MicroBatcherOptions<I, O>, 'run'> & {
    answer: (item: I) => O;
    held?: boolean;
    failWhen?: (items: I[]) => boolean;
  },
) {
  const batches: I[][] = [];
  const gates: Gate[] = [];
  let running = 0;
  let mostRunning = 0;
  const batcher = createMicroBatcher<I, O>({
    ...options,
    async run(items) {
      batches.push([...items]);
      running++;
      mostRunning = Math.max(mostRunning, running);
      try {
        if (options.held) {
          const g = gate();
          gates.push(g);
          await g.promise;
        } else {
          await nextTurn();
        }
        if (options.failWhen?.(items)) throw new Error(`refused ${JSON.stringify(items)}`);
        return items.map(options.answer);
      } finally {
        running--;
      }
    },
  });
  return { batcher, batches, gates, mostRunning: () => mostRunning };
}

/** A batcher of numbers, answered as they are, whose batches wait for the test to open their gates. */
const held = (maxBatch: number, maxInFlight: number) =>
  recording<number, number>({ maxBatch, maxInFlight, held: true, answer: (n) => n });

/** Lets a held batch finish and the batcher start what waited for its slot. */
async function finish(batch: Gate | undefined): Promise<void> {
  batch?.open();
  await nextTurn();
  await nextTurn();
}

describe('micro-batcher', () => {
  it('runs what is added within one turn of the event loop as one batch, in the order added', async () => {
    const { batcher, batches } = recording<number, string>({ maxBatch: 100, maxInFlight: 4, answer: (n) => `r${n}` });
    const results = Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    // A job woken by a resolved promise in the same turn still joins.
    const late = Promise.resolve().then(() => batcher.add(6));
    expect(await results).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(await late).toBe('r6');
    expect(batches).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  it('starts a new batch for what is added in a later turn while a slot is free', async () => {
    const { batcher, batches } = recording<number, number>({ maxBatch: 100, maxInFlight: 4, answer: (n) => n });
    const first = batcher.add(1);
    await nextTurn();
    const second = batcher.add(2);
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(batches).toEqual([[1], [2]]);
  });

  it('puts at most maxBatch items in a batch, in order', async () => {
    const { batcher, batches } = recording<number, number>({ maxBatch: 3, maxInFlight: 10, answer: (n) => n * 10 });
    const items = [1, 2, 3, 4, 5, 6, 7];
    expect(await Promise.all(items.map((n) => batcher.add(n)))).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('runs at most maxInFlight batches at once; what arrives meanwhile goes together in the next (group commit)', async () => {
    const { batcher, batches, gates, mostRunning } = held(100, 2);
    const done: number[] = [];
    const add = (n: number) => batcher.add(n).then((r) => void done.push(r));
    const all = [add(1)];
    await nextTurn();
    all.push(add(2));
    await nextTurn();
    // Both slots are busy: these wait, across several turns, and are not started.
    for (const n of [3, 4, 5]) {
      all.push(add(n));
      await nextTurn();
    }
    expect(batches).toEqual([[1], [2]]);
    expect(done).toEqual([]);

    await finish(gates[0]);
    // The freed slot takes everything that waited, at once.
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
    expect(done).toEqual([1]);

    gates[1]?.open();
    gates[2]?.open();
    await Promise.all(all);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(mostRunning()).toBe(2);
  });

  it('a freed slot takes at most maxBatch of what waited; the rest waits for the next free slot', async () => {
    const { batcher, batches, gates, mostRunning } = held(2, 1);
    const all = [batcher.add(1)];
    await nextTurn();
    all.push(...[2, 3, 4, 5, 6].map((n) => batcher.add(n)));
    await nextTurn();
    expect(batches).toEqual([[1]]);
    const expected = [[1], [2, 3], [4, 5], [6]];
    for (let i = 0; i < 3; i++) {
      await finish(gates[i]);
      expect(batches).toEqual(expected.slice(0, i + 2));
    }
    gates[3]?.open();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(mostRunning()).toBe(1);
  });

  it('starts no more than maxInFlight batches from one turn', async () => {
    const { batcher, batches, gates, mostRunning } = held(1, 2);
    const all = [1, 2, 3, 4].map((n) => batcher.add(n));
    await nextTurn();
    expect(batches).toEqual([[1], [2]]);
    await finish(gates[0]);
    expect(batches).toEqual([[1], [2], [3]]);
    await finish(gates[1]);
    expect(batches).toEqual([[1], [2], [3], [4]]);
    gates[2]?.open();
    gates[3]?.open();
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4]);
    expect(mostRunning()).toBe(2);
  });

  it('never puts two items with the same key in one batch; a later one waits for the next', async () => {
    const keyOf = (item: string) => item.slice(0, 1);
    const { batcher, batches } = recording<string, string>({
      maxBatch: 100,
      maxInFlight: 1,
      keyOf,
      answer: (s) => s.toUpperCase(),
    });
    const items = ['a1', 'b1', 'a2', 'c1', 'a3', 'b2'];
    expect(await Promise.all(items.map((s) => batcher.add(s)))).toEqual(['A1', 'B1', 'A2', 'C1', 'A3', 'B2']);
    expect(batches).toEqual([['a1', 'b1', 'c1'], ['a2', 'b2'], ['a3']]);
    for (const batch of batches) expect(new Set(batch.map(keyOf)).size).toBe(batch.length);
  });

  it('with keys, still fills a batch only up to maxBatch', async () => {
    const { batcher, batches } = recording<string, string>({
      maxBatch: 2,
      maxInFlight: 1,
      keyOf: (item) => item.slice(0, 1),
      answer: (s) => s,
    });
    await Promise.all(['a1', 'a2', 'b1', 'c1', 'd1'].map((s) => batcher.add(s)));
    expect(batches).toEqual([['a1', 'b1'], ['a2', 'c1'], ['d1']]);
  });

  it('runs a throwing batch again item by item, so only the bad item fails', async () => {
    const { batcher, batches } = recording<string, string>({
      maxBatch: 100,
      maxInFlight: 4,
      answer: (s) => `ok ${s}`,
      failWhen: (items) => items.includes('bad'),
    });
    const outcomes = await Promise.allSettled(['x', 'bad', 'y', 'z'].map((s) => batcher.add(s)));
    expect(outcomes).toEqual([
      { status: 'fulfilled', value: 'ok x' },
      { status: 'rejected', reason: new Error('refused ["bad"]') },
      { status: 'fulfilled', value: 'ok y' },
      { status: 'fulfilled', value: 'ok z' },
    ]);
    expect(batches[0]).toEqual(['x', 'bad', 'y', 'z']);
    expect(batches.slice(1).sort()).toEqual([['bad'], ['x'], ['y'], ['z']]);
  });

  it('fails a single-item batch with its own error, once', async () => {
    const { batcher, batches } = recording<string, string>({
      maxBatch: 100,
      maxInFlight: 4,
      answer: (s) => s,
      failWhen: () => true,
    });
    await expect(batcher.add('only')).rejects.toThrow('refused ["only"]');
    expect(batches).toEqual([['only']]);
  });

  it('gives each caller the result at its own position, across batches', async () => {
    const { batcher, batches } = recording<{ id: number }, string>({
      maxBatch: 4,
      maxInFlight: 2,
      answer: (item) => `id-${item.id}`,
    });
    const ids = Array.from({ length: 11 }, (_, i) => 100 - i * 7);
    const results = await Promise.all(ids.map((id) => batcher.add({ id })));
    expect(results).toEqual(ids.map((id) => `id-${id}`));
    expect(batches.map((b) => b.length)).toEqual([4, 4, 3]);
    expect(batches.flat().map((item) => item.id)).toEqual(ids);
  });
});

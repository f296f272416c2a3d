export interface MicroBatcherOptions<I, O> {
  /** Items per batch at most. */
  maxBatch: number;
  /**
   * Batches running at once. Items that arrive while every slot is busy wait and
   * go together in the next batch, so batches grow with the load (group commit).
   */
  maxInFlight: number;
  /**
   * Items with the same key never share a batch (a later one waits for the
   * next), for statements that touch each row once.
   */
  keyOf?: (item: I) => string;
  /**
   * Runs one batch; returns one result per item, in order. Must be all or
   * nothing (one statement or one transaction): when it throws, each item is
   * run again alone, so only the item that cannot be handled fails.
   */
  run(items: I[]): Promise<O[]>;
}

export interface MicroBatcher<I, O> {
  /** Resolves once the item's batch has run (for writes: once it is committed). */
  add(item: I): Promise<O>;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

/**
 * Collects what concurrent jobs ask for within one turn of the event loop and
 * runs it as one batch: one round trip and one commit instead of one per job.
 * Each caller still waits for its own result, so nothing is acknowledged
 * before it is done.
 *
 * DataLoader batches within a tick too, but dispatches every tick whatever is
 * still running, has no per-item rerun when a batch fails, and keys by value
 * (two claims of one channel must not share a statement). Here, while
 * `maxInFlight` batches run, what arrives waits and goes together next, so
 * under load the drains' reads and claims take fewer, larger statements.
 */
export function createMicroBatcher<I, O>(options: MicroBatcherOptions<I, O>): MicroBatcher<I, O> {
  const queue: Array<Pending<I, O>> = [];
  let inFlight = 0;
  let scheduled = false;

  function take(): Array<Pending<I, O>> {
    if (!options.keyOf) return queue.splice(0, options.maxBatch);
    const batch: Array<Pending<I, O>> = [];
    const keys = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < options.maxBatch; ) {
      const pending = queue[i] as Pending<I, O>;
      const key = options.keyOf(pending.item);
      if (keys.has(key)) {
        i++;
        continue;
      }
      keys.add(key);
      batch.push(pending);
      queue.splice(i, 1);
    }
    return batch;
  }

  async function runBatch(batch: Array<Pending<I, O>>): Promise<void> {
    try {
      const results = await options.run(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        p.resolve(results[i] as O);
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      // One bad item (a value the database refuses, a deadlock) must not fail
      // the jobs that merely shared its batch: they would run, and send, again.
      await Promise.all(batch.map((p) => runBatch([p])));
    }
  }

  function flush(): void {
    scheduled = false;
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = take();
      inFlight++;
      void runBatch(batch).finally(() => {
        inFlight--;
        // What queued up meanwhile has waited long enough: no need for another turn.
        if (queue.length > 0) flush();
      });
    }
  }

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (!scheduled && inFlight < options.maxInFlight) {
          scheduled = true;
          // Let the jobs woken in this turn of the event loop join the batch.
          setImmediate(flush);
        }
      });
    },
  };
}

import type { Logger } from '@wrenn/runtime';

export interface RepeatPassesOptions {
  pass: () => Promise<unknown>;
  /** The pause between the end of one pass and the start of the next. */
  intervalMs: number;
  /** Before the first pass; default `intervalMs`. */
  firstDelayMs?: number;
  logger: Logger;
  /** Logged with the error of a failed pass; the next pass runs as usual. */
  failureMessage: string;
}

export interface RepeatedPasses {
  /** True once `stop` was called: a long pass checks it between its batches. */
  stopped(): boolean;
  /** Stops the timer and waits for a running pass. */
  stop(): Promise<void>;
}

/**
 * Runs a background pass over and over, each one `intervalMs` after the
 * previous one ended, so a slow pass never overlaps the next.
 */
export function repeatPasses(options: RepeatPassesOptions): RepeatedPasses {
  const { pass, intervalMs, logger, failureMessage } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = pass()
      .catch((err: unknown) => logger.warn({ err }, failureMessage))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, options.firstDelayMs ?? intervalMs);
  return {
    stopped: () => stopped,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

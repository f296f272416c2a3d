import type { Logger } from 'pino';

export type ShutdownStep = readonly [name: string, run: () => Promise<unknown> | unknown];

/**
 * Runs every step on SIGTERM/SIGINT, in order, each reporting its own failure,
 * then exits. A second signal, or `timeoutMs`, forces the exit.
 */
export function handleShutdown(options: { logger: Logger; steps: ShutdownStep[]; timeoutMs?: number }): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      options.logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    options.logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      options.logger.error('shutdown timed out');
      process.exit(1);
    }, options.timeoutMs ?? 30_000);
    timer.unref();
    let failed = false;
    for (const [name, run] of options.steps) {
      try {
        await run();
      } catch (err) {
        failed = true;
        options.logger.error({ err, step: name }, 'shutdown step failed');
      }
    }
    options.logger.info('stopped');
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

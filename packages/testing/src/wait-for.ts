/** Polls `check` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; message?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 25));
  }
  throw new Error(options.message ?? `condition not met within ${options.timeoutMs ?? 10_000} ms`);
}

/**
 * Asserts that `check` stays truthy for the whole of `forMs`, polling it, and fails as soon as it does not.
 *
 * This is the bounded observation window a "nothing else happens" assertion needs: absence cannot be
 * awaited, only watched for a while. Choose `forMs` as the span in which the unwanted thing would have
 * shown up had the code been wrong; a longer window only makes the test slower, never more correct.
 */
export async function holdsFor(
  check: () => unknown | Promise<unknown>,
  options: { forMs: number; intervalMs?: number; message?: string },
): Promise<void> {
  const deadline = Date.now() + options.forMs;
  for (;;) {
    if (!(await check())) {
      throw new Error(options.message ?? `condition stopped holding before ${options.forMs} ms had passed`);
    }
    if (Date.now() >= deadline) return;
    await new Promise((r) => setTimeout(r, Math.min(options.intervalMs ?? 25, Math.max(0, deadline - Date.now()))));
  }
}

/**
 * Settles as `promise` does, or rejects with `onTimeout()` once `ms` have
 * passed. The timer is cleared either way, so a settled call keeps nothing
 * alive; the work behind `promise` is not cancelled and may still finish.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => Error = () => new Error('timeout'),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(onTimeout()), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

import { withTimeout } from './with-timeout';

export type Check = () => Promise<unknown>;

export interface Readiness {
  ok: boolean;
  checks: Record<string, 'ok' | 'unavailable'>;
}

/** Runs every dependency check with a time bound; ready only when all pass. */
export async function checkReadiness(checks: Record<string, Check>, timeoutMs = 2_000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), timeoutMs);
        return [name, 'ok'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      }
    }),
  );
  return { ok: entries.every(([, s]) => s === 'ok'), checks: Object.fromEntries(entries) };
}

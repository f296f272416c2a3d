export type Check = () => Promise<unknown>;

export interface Readiness {
  ok: boolean;
  checks: Record<string, 'ok' | 'unavailable'>;
}

/** Runs every dependency check with a time bound; ready only when all pass. */
export async function checkReadiness(checks: Record<string, Check>, timeoutMs = 2_000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
          }),
        ]);
        return [name, 'ok'] as const;
      } catch {
        return [name, 'unavailable'] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: entries.every(([, s]) => s === 'ok'), checks: Object.fromEntries(entries) };
}

import { type AppProcess, freePort, startApp, waitForStatus } from './processes';

/** What a worker process needs to share a test's database and queues (a pipeline, or a test API plus its Redis). */
export interface WorkerTarget {
  databaseUrl: string;
  redisUrl: string;
  encryptionKey: string;
  queuePrefix: string;
  /** The Redis variables (a cluster's seeds, the shard count); default: `REDIS_URL` only. */
  redisEnv?: Record<string, string>;
}

export interface WorkerProcess extends AppProcess {
  port: number;
  /** The delivery attempts this process counted, from its /metrics. */
  attemptsCounted(outcome?: string): Promise<number>;
}

/** Starts the worker (`apps/worker/src/main.ts`) as its own process against the target's database and queues. */
export async function spawnWorker(target: WorkerTarget, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const port = await freePort();
  const app = startApp('apps/worker/src/main.ts', {
    PATH: process.env.PATH,
    DATABASE_URL: target.databaseUrl,
    ...(target.redisEnv ?? { REDIS_URL: target.redisUrl }),
    WRENN_ENCRYPTION_KEY: target.encryptionKey,
    WRENN_QUEUE_PREFIX: target.queuePrefix,
    WRENN_ALLOW_PRIVATE_TARGETS: 'true',
    WRENN_RETRY_DELAYS: '500ms,1s',
    WRENN_JOB_LOCK_MS: '2000',
    PORT: String(port),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...env,
  });
  try {
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, 30_000);
  } catch (err) {
    app.child.kill('SIGKILL');
    throw new Error(`worker did not become ready: ${(err as Error).message}\n${app.output()}`);
  }
  return {
    ...app,
    port,
    async attemptsCounted(outcome = 'succeeded') {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      let total = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('wrenn_delivery_attempts_total{') && line.includes(`outcome="${outcome}"`)) {
          total += Number(line.split(' ').at(-1));
        }
      }
      return total;
    },
  };
}

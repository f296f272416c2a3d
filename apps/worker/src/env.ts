import { providerEnvShape } from '@wrenn/providers';
import { envVars, parseEnv } from '@wrenn/runtime';
import type { z } from 'zod';

const schema = envVars
  .pick({
    DATABASE_URL: true,
    REDIS_URL: true,
    WRENN_ENCRYPTION_KEY: true,
    WRENN_ENCRYPTION_KEY_PREVIOUS: true,
    PORT: true,
    WRENN_RETRY_DELAYS: true,
    WRENN_WORKER_CONCURRENCY: true,
    WRENN_QUEUE_PREFIX: true,
    WRENN_JOB_LOCK_MS: true,
    WRENN_MAX_RATE_LIMIT_WAIT: true,
    WRENN_DELIVERY_RETENTION: true,
    WRENN_AUDIT_RETENTION: true,
    LOG_LEVEL: true,
  })
  // PORT keeps its place in the list (the first bad variable is the one reported); only its default is per service.
  .extend({ PORT: envVars.shape.PORT.default(8081), ...providerEnvShape });

export type WorkerEnv = z.infer<typeof schema>;

/** The worker's configuration; the only place that reads `process.env`. */
export function loadWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return parseEnv(schema, env);
}

import { providerEnvShape } from '@wrenn/providers';
import { envVars, metricsPortDiffers, parseEnv, requireKnownShards, requireRedis, serviceEnv } from '@wrenn/runtime';
import type { z } from 'zod';

const schema = serviceEnv(8081).extend({
  ...envVars.pick({
    WRENN_RETRY_DELAYS: true,
    WRENN_WORKER_CONCURRENCY: true,
    WRENN_JOB_LOCK_MS: true,
    WRENN_MAX_RATE_LIMIT_WAIT: true,
    WRENN_DELIVERY_RETENTION: true,
    WRENN_AUDIT_RETENTION: true,
    WRENN_RELAY_INTERVAL: true,
    WRENN_RELAY_LOCK_TTL: true,
    WRENN_RELAY_PAGE_SIZE: true,
    WRENN_RELAY_PAGES_PER_PASS: true,
    WRENN_RELAY_MAX_REQUEUES: true,
    WRENN_WORKER_SHARDS: true,
  }).shape,
  ...providerEnvShape,
});

export type WorkerEnv = z.infer<typeof schema>;

/** The worker's configuration; the only place that reads `process.env`. */
export function loadWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return parseEnv(
    schema.superRefine(metricsPortDiffers).superRefine(requireRedis).superRefine(requireKnownShards),
    env,
  );
}

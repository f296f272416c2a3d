import { parseLinkTemplates } from '@wrenn/events';
import { providerEnvShape } from '@wrenn/providers';
import { metricsPortDiffers, parseEnv, requireKnownShards, requireRedis, serviceEnv } from '@wrenn/runtime';
import { z } from 'zod';

/** `WRENN_LINK_TEMPLATES`: `sandbox=https://…/{id},host=https://…/{id}`; unset, messages carry no links. */
const linkTemplates = z.string().transform((text, ctx) => {
  try {
    return parseLinkTemplates(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `must be resource_type=URL pairs: ${(err as Error).message}` });
    return z.NEVER;
  }
});

const schema = serviceEnv(8081, {
  WRENN_RETRY_DELAYS: true,
  WRENN_WORKER_CONCURRENCY: true,
  WRENN_JOB_LOCK_MS: true,
  WRENN_MAX_RATE_LIMIT_WAIT: true,
  WRENN_EDIT_WINDOW: true,
  WRENN_DELIVERY_RETENTION: true,
  WRENN_AUDIT_RETENTION: true,
  WRENN_RELAY_INTERVAL: true,
  WRENN_RELAY_LOCK_TTL: true,
  WRENN_RELAY_PAGE_SIZE: true,
  WRENN_RELAY_PAGES_PER_PASS: true,
  WRENN_RELAY_MAX_REQUEUES: true,
  WRENN_WORKER_SHARDS: true,
}).extend({ ...providerEnvShape, WRENN_LINK_TEMPLATES: linkTemplates.optional() });

export type WorkerEnv = z.infer<typeof schema>;

/** The worker's configuration; the only place that reads `process.env`. */
export function loadWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return parseEnv(
    schema.superRefine(metricsPortDiffers).superRefine(requireRedis).superRefine(requireKnownShards),
    env,
  );
}

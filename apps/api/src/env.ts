import { providerEnvShape } from '@wrenn/providers';
import { internalPortDiffers, metricsPortDiffers, parseEnv, requireRedis, serviceEnv } from '@wrenn/runtime';
import type { z } from 'zod';

const schema = serviceEnv(8080, {
  WRENN_JWT_SECRET: true,
  WRENN_INTERNAL_TOKEN: true,
  WRENN_MAX_CHANNELS_PER_TEAM: true,
  WRENN_PORTAL_FRAME_ANCESTORS: true,
  WRENN_PORTAL_PUBLIC_URL: true,
  WRENN_DB_POOL_SIZE: true,
  WRENN_API_RATE_LIMIT: true,
  WRENN_INTERNAL_PORT: true,
}).extend(providerEnvShape);

export type ApiEnv = z.infer<typeof schema>;

/** The API's configuration; the only place that reads `process.env`. */
export function loadApiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv(
    schema.superRefine(metricsPortDiffers).superRefine(internalPortDiffers).superRefine(requireRedis),
    env,
  );
}

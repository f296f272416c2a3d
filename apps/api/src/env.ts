import { providerEnvShape } from '@wrenn/providers';
import { envVars, parseEnv } from '@wrenn/runtime';
import type { z } from 'zod';

const schema = envVars
  .pick({
    DATABASE_URL: true,
    REDIS_URL: true,
    WRENN_ENCRYPTION_KEY: true,
    WRENN_ENCRYPTION_KEY_PREVIOUS: true,
    WRENN_JWT_SECRET: true,
    WRENN_INTERNAL_TOKEN: true,
    PORT: true,
    WRENN_MAX_CHANNELS_PER_TEAM: true,
    WRENN_QUEUE_PREFIX: true,
    WRENN_PORTAL_FRAME_ANCESTORS: true,
    WRENN_PORTAL_PUBLIC_URL: true,
    LOG_LEVEL: true,
  })
  // PORT keeps its place in the list (the first bad variable is the one reported); only its default is per service.
  .extend({ PORT: envVars.shape.PORT.default(8080), ...providerEnvShape });

export type ApiEnv = z.infer<typeof schema>;

/** The API's configuration; the only place that reads `process.env`. */
export function loadApiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv(schema, env);
}

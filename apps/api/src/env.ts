import { providerEnvShape } from '@wrenn/providers';
import { encryptionKey, envInteger, envPort, metricsPortDiffers, parseEnv } from '@wrenn/runtime';
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.string({ message: 'must be set to a PostgreSQL connection string' }).min(1),
  REDIS_URL: z.string({ message: 'must be set to a Redis connection string' }).min(1),
  WRENN_ENCRYPTION_KEY: encryptionKey,
  /** Set during a key rotation: values sealed under it still open. */
  WRENN_ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional(),
  WRENN_JWT_SECRET: z
    .string({ message: 'must be set (HS256 key for user JWTs)' })
    .min(16, 'must be at least 16 characters'),
  WRENN_INTERNAL_TOKEN: z
    .string({ message: 'must be set (bearer token for /internal)' })
    .min(16, 'must be at least 16 characters'),
  PORT: envPort.default(8080),
  /** Serves /metrics on this port only (not on PORT); unset keeps it on PORT. */
  WRENN_METRICS_PORT: envPort.optional(),
  /** PostgreSQL connections per API process; default 10. */
  WRENN_DB_POOL_SIZE: envInteger({ min: 1, max: 500 }).default(10),
  WRENN_MAX_CHANNELS_PER_TEAM: z.coerce.number().int().min(1, 'must be a positive integer').default(100),
  WRENN_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
    .default('wrenn'),
  WRENN_PORTAL_FRAME_ANCESTORS: z
    .string()
    .trim()
    .min(1, "must list sources, e.g. 'self' https://dashboard.example.com")
    .regex(/^[^;,\r\n]+$/, 'must be a space-separated source list without ";" or ","')
    .default("'self'"),
  WRENN_PORTAL_PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...providerEnvShape,
});

export type ApiEnv = z.infer<typeof schema>;

/** The API's configuration; the only place that reads `process.env`. */
export function loadApiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  return parseEnv(schema.superRefine(metricsPortDiffers), env);
}

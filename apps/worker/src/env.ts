import { parseRetryDelays } from '@wrenn/events';
import { providerEnvShape } from '@wrenn/providers';
import { encryptionKey, envDuration, envInteger, envPort, metricsPortDiffers, parseEnv } from '@wrenn/runtime';
import { z } from 'zod';

const retryDelays = z.string().transform((text, ctx) => {
  try {
    return parseRetryDelays(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `must be a list like 10s,30s: ${(err as Error).message}` });
    return z.NEVER;
  }
});

const RETENTION = /^(\d+)(s|m|h|d)$/;
const RETENTION_UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A retention period like `30d`, `12h`, `90m` or `3600s`, in milliseconds. */
const retention = z.string().transform((text, ctx) => {
  const match = RETENTION.exec(text.trim());
  const ms = match ? Number(match[1]) * RETENTION_UNIT_MS[match[2] as keyof typeof RETENTION_UNIT_MS] : 0;
  if (ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration like 30d, 12h, 90m or 3600s' });
    return z.NEVER;
  }
  return ms;
});

const WAIT = /^(\d+)(s|m|h)$/;

/** A wait like `1h`, `30m` or `90s`, in milliseconds. */
const wait = z.string().transform((text, ctx) => {
  const match = WAIT.exec(text.trim());
  const ms = match ? Number(match[1]) * RETENTION_UNIT_MS[match[2] as 's' | 'm' | 'h'] : 0;
  if (ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration like 1h, 30m or 90s' });
    return z.NEVER;
  }
  return ms;
});

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a positive integer' })
    .int('must be a positive integer')
    .min(1, 'must be a positive integer')
    .default(fallback);

const schema = z.object({
  DATABASE_URL: z.string({ message: 'must be set to a PostgreSQL connection string' }).min(1),
  REDIS_URL: z.string({ message: 'must be set to a Redis connection string' }).min(1),
  WRENN_ENCRYPTION_KEY: encryptionKey,
  /** Set during a key rotation: values sealed under it still open. */
  WRENN_ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional(),
  PORT: envPort.default(8081),
  /** Serves /metrics on this port only (not on PORT); unset keeps it on PORT. */
  WRENN_METRICS_PORT: envPort.optional(),
  /** Delays before the 2nd, 3rd… attempt; the list's length + 1 = attempts. */
  WRENN_RETRY_DELAYS: retryDelays.default([10_000, 30_000]),
  /** Channels drained at once per process; drains mostly wait on the network or their rate. */
  WRENN_WORKER_CONCURRENCY: positiveInt(64),
  /** Must match the API's, or the two never meet. */
  WRENN_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
    .default('wrenn'),
  /**
   * How long a job's lock lives without renewal: a worker that died (SIGKILL, lost host)
   * hands its jobs back after about this long.
   */
  WRENN_JOB_LOCK_MS: positiveInt(30_000),
  /** A delivery held back this long by its destination's rate limit (pacing or 429s) fails. */
  WRENN_MAX_RATE_LIMIT_WAIT: wait.default(RETENTION_UNIT_MS.h),
  /** Settled deliveries, their attempts and unused payloads older than this are deleted. */
  WRENN_DELIVERY_RETENTION: retention.default(30 * RETENTION_UNIT_MS.d),
  /** Audit entries older than this are deleted; unset keeps them. */
  WRENN_AUDIT_RETENTION: retention.optional(),
  /** How often the outbox relay looks for events and drains that never reached the queue. */
  WRENN_RELAY_INTERVAL: envDuration({ min: 100, max: 600_000 }).default(2_000),
  /** How long a relay pass holds its lock without renewing it (one pass at a time across workers). */
  WRENN_RELAY_LOCK_TTL: envDuration({ min: 1_000, max: 600_000 }).default(10_000),
  /** Rows the relay reads per page. */
  WRENN_RELAY_PAGE_SIZE: envInteger({ min: 1, max: 10_000 }).default(500),
  /** Pages of each kind per relay pass; the next pass goes on from there. */
  WRENN_RELAY_PAGES_PER_PASS: envInteger({ min: 1, max: 1_000 }).default(4),
  /** New drains the relay gives one pending delivery's channel before failing the delivery. */
  WRENN_RELAY_MAX_REQUEUES: envInteger({ min: 1, max: 1_000 }).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...providerEnvShape,
});

export type WorkerEnv = z.infer<typeof schema>;

/** The worker's configuration; the only place that reads `process.env`. */
export function loadWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return parseEnv(schema.superRefine(metricsPortDiffers), env);
}

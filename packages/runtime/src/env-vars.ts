import { isEncryptionKey } from '@wrenn/crypto';
import { z } from 'zod';
import { formatDuration, type ParseDurationOptions, parseDuration } from './duration';
import { clusterNodes, queueShards, shardList } from './redis-env';
import { parseRetryDelays } from './retry-delays';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A positive duration (`parseDuration`'s grammar) in milliseconds, at least
 * `minMs` when given; `message` for anything else.
 */
function duration(message: string, options: ParseDurationOptions & { minMs?: number } = {}) {
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text, options) ?? 0;
    if (ms <= 0 || ms < (options.minMs ?? 0)) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return ms;
  });
}

/** A retention period like `30d`, `12h`, `90m` or `3600s`: a second at the least, or a pass would delete what it just wrote. */
const retention = duration('must be a duration like 30d, 12h, 90m or 3600s', { minMs: UNIT_MS.s });

/** A wait like `1h`, `30m` or `90s`. */
const wait = duration('must be a duration like 1h, 30m or 90s');

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'must be a positive integer' })
    .int('must be a positive integer')
    .min(1, 'must be a positive integer')
    .default(fallback);

const encryptionKey = z
  .string({ message: 'must be set (64 hex characters)' })
  .refine(isEncryptionKey, { message: 'must be 64 hex characters' });

const httpUrl = z
  .string()
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), { message: 'must be an http(s) URL' });

/** A duration like `500ms`, `10s`, `2m` or `1h`, in milliseconds, between `min` and `max`. */
function durationWithin(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration like 500ms, 10s or 2m' });
      return z.NEVER;
    }
    if (ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be between ${formatDuration(min)} and ${formatDuration(max)}` });
      return z.NEVER;
    }
    return ms;
  });
}

/** A whole number between `min` and `max`. */
function wholeNumberWithin(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ message }).int(message).min(min, message).max(max, message);
}

const port = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a port number')
  .min(0, 'must be a port number')
  .max(65535, 'must be a port number');

const token = (message: string) => z.string({ message }).min(16, 'must be at least 16 characters');

/**
 * Every environment variable the services read, each defined once: its
 * parser, its default and its error messages. A service picks the names it
 * uses (`envVars.pick({ … })`) and parses them with `parseEnv`.
 */
export const envVars = z.object({
  /** The PostgreSQL database: channels, deliveries, the audit log and the outbox. */
  DATABASE_URL: z.string({ message: 'must be set to a PostgreSQL connection string' }).min(1),
  /**
   * The Redis holding the BullMQ queues and the shared rate limits; not needed when
   * `WRENN_REDIS_CLUSTER_NODES` is set (`requireRedis` checks that one of them is).
   */
  REDIS_URL: z.string().min(1).optional(),
  /** Seed nodes of a Redis Cluster (`host:port,…`) that holds them instead; replaces `REDIS_URL`. */
  WRENN_REDIS_CLUSTER_NODES: clusterNodes.optional(),
  /** The cluster's password; wins over the one written in `REDIS_URL`. */
  WRENN_REDIS_PASSWORD: z.string().optional(),
  /** Deliveries queues the work is split into by channel; the same in the API and every worker. */
  WRENN_QUEUE_SHARDS: queueShards.default(1),
  /** The shards a worker drains; unset: all of them. */
  WRENN_WORKER_SHARDS: shardList.optional(),
  /** Seals channel secrets at rest (AES-256-GCM). */
  WRENN_ENCRYPTION_KEY: encryptionKey,
  /** Set during a key rotation: values sealed under it still open. */
  WRENN_ENCRYPTION_KEY_PREVIOUS: encryptionKey.optional(),
  /** HS256 key of the platform's user JWTs (API only). */
  WRENN_JWT_SECRET: token('must be set (HS256 key for user JWTs)'),
  /** Bearer token the platform presents on /internal routes (API only). */
  WRENN_INTERNAL_TOKEN: token('must be set (bearer token for /internal)'),
  /** No default here: each service listens on its own port (see `serviceEnv`). */
  PORT: port,
  /** Serves /metrics on this port only (not on PORT); unset keeps it on PORT. */
  WRENN_METRICS_PORT: port.optional(),
  /** PostgreSQL connections per API process. */
  WRENN_DB_POOL_SIZE: wholeNumberWithin(1, 500).default(10),
  /**
   * Where spans go (OTLP). Set (or its traces-only form): the tracing SDK starts and
   * reads every other standard `OTEL_*` variable itself; unset: no SDK is loaded.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().min(1).optional(),
  /** The service name on spans; each service has its default (`wrenn-api`, `wrenn-worker`). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** The pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The Redis key prefix of the queues: the API's and the worker's must match, or the two never meet. */
  WRENN_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
    .default('wrenn'),
  /** Channels a team may have. */
  WRENN_MAX_CHANNELS_PER_TEAM: z.coerce.number().int().min(1, 'must be a positive integer').default(100),
  /** The portal page's `frame-ancestors` sources: who may embed it. */
  WRENN_PORTAL_FRAME_ANCESTORS: z
    .string()
    .trim()
    .min(1, "must list sources, e.g. 'self' https://dashboard.example.com")
    .regex(/^[^;,\r\n]+$/, 'must be a space-separated source list without ";" or ","')
    .default("'self'"),
  /** The portal's address as browsers reach it, for the links of portal sessions; default: the request's own. */
  WRENN_PORTAL_PUBLIC_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  /** `/v1/*` requests per team and minute before `429 rate_limited` (test sends: 10); shared through Redis. */
  WRENN_API_RATE_LIMIT: wholeNumberWithin(1, 1_000_000).default(1200),
  /** Serves `/internal/*` on this port only (not on PORT), for a network policy to open to the platform alone. */
  WRENN_INTERNAL_PORT: port.optional(),
  /** Delays before the 2nd, 3rd… attempt; the list's length + 1 = attempts. */
  WRENN_RETRY_DELAYS: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseRetryDelays(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `must be a list like 10s,30s: ${(err as Error).message}` });
        return z.NEVER;
      }
    })
    .default([10_000, 30_000]),
  /** Channels drained at once per process; drains mostly wait on the network or their rate. */
  WRENN_WORKER_CONCURRENCY: positiveInt(64),
  /**
   * How long a job's lock lives without renewal: a worker that died (SIGKILL, lost host)
   * hands its jobs back after about this long. A bare number is milliseconds (`30000`).
   */
  WRENN_JOB_LOCK_MS: duration('must be a positive duration like 30s or 30000 (milliseconds)', {
    bareUnit: 'ms',
  }).default(30_000),
  /** A delivery held back this long by its destination's rate limit (pacing or 429s) fails. */
  WRENN_MAX_RATE_LIMIT_WAIT: wait.default(UNIT_MS.h),
  /** A `resource`-style message older than this is not edited any more: the next event posts a new one. */
  WRENN_EDIT_WINDOW: wait.default(24 * UNIT_MS.h),
  /** Settled deliveries, their attempts and unused payloads older than this are deleted. */
  WRENN_DELIVERY_RETENTION: retention.default(30 * UNIT_MS.d),
  /** Audit entries older than this are deleted; unset keeps them. */
  WRENN_AUDIT_RETENTION: retention.optional(),
  /** How often the outbox relay looks for events and drains that never reached the queue. */
  WRENN_RELAY_INTERVAL: durationWithin(100, 10 * UNIT_MS.m).default(2_000),
  /** How long a relay pass holds its lock without renewing it (one pass at a time across workers). */
  WRENN_RELAY_LOCK_TTL: durationWithin(UNIT_MS.s, 10 * UNIT_MS.m).default(10_000),
  /** Rows the relay reads per page. */
  WRENN_RELAY_PAGE_SIZE: wholeNumberWithin(1, 10_000).default(500),
  /** Pages of each kind per relay pass; the next pass goes on from there. */
  WRENN_RELAY_PAGES_PER_PASS: wholeNumberWithin(1, 1_000).default(4),
  /** New drains the relay gives one pending delivery's channel before failing the delivery. */
  WRENN_RELAY_MAX_REQUEUES: wholeNumberWithin(1, 1_000).default(5),
  /** How long one request to a provider may take, connection to last byte. */
  WRENN_PROVIDER_TIMEOUT: durationWithin(UNIT_MS.s, 2 * UNIT_MS.m).default(10_000),
  /**
   * Lets destinations resolve to loopback and private addresses (local fakes, on-premises
   * receivers); off, they are refused so a channel cannot reach the internal network.
   * `true/1/yes/on` or `false/0/no/off`: anything else is an error, never read as true.
   */
  WRENN_ALLOW_PRIVATE_TARGETS: z
    .string()
    .trim()
    .pipe(
      z.stringbool({
        truthy: ['true', '1', 'yes', 'on'],
        falsy: ['false', '0', 'no', 'off', ''],
        error: 'must be true or false',
      }),
    )
    .default(false),
  /** Provider API bases: the real services unless pointed elsewhere (a proxy, a test fake). */
  WRENN_DISCORD_API_BASE: httpUrl.default('https://discord.com/api'),
  WRENN_SLACK_API_BASE: httpUrl.optional(),
  WRENN_TEAMS_API_BASE: httpUrl.optional(),
  WRENN_GOOGLECHAT_API_BASE: httpUrl.optional(),
  WRENN_TELEGRAM_API_BASE: httpUrl.default('https://api.telegram.org'),
});

/**
 * The variables both long-running services read (the stores, the secrets key,
 * their ports, the queue prefix and shards, the log level), PORT defaulting to
 * `defaultPort`: each service listens on its own. `own` names the variables
 * only this service reads. Apply `requireRedis` to the final schema: one of
 * `REDIS_URL` and `WRENN_REDIS_CLUSTER_NODES` must be set.
 */
export function serviceEnv<Own extends EnvVarNames = Record<never, true>>(
  defaultPort: number,
  own?: Own & Record<Exclude<keyof Own, keyof EnvVars>, never>,
) {
  return envVars
    .pick({
      DATABASE_URL: true,
      REDIS_URL: true,
      WRENN_REDIS_CLUSTER_NODES: true,
      WRENN_REDIS_PASSWORD: true,
      WRENN_QUEUE_SHARDS: true,
      WRENN_ENCRYPTION_KEY: true,
      WRENN_ENCRYPTION_KEY_PREVIOUS: true,
      PORT: true,
      WRENN_METRICS_PORT: true,
      WRENN_QUEUE_PREFIX: true,
      LOG_LEVEL: true,
      OTEL_EXPORTER_OTLP_ENDPOINT: true,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: true,
      OTEL_SERVICE_NAME: true,
    })
    .extend(envVars.pick<Own>((own ?? {}) as never).shape)
    .extend({ PORT: envVars.shape.PORT.default(defaultPort) });
}

type EnvVars = typeof envVars.shape;

/** A choice of variables from `envVars`, as `pick` takes it: `{ WRENN_JWT_SECRET: true }`. */
export type EnvVarNames = { [Name in keyof EnvVars]?: true };

/** `WRENN_METRICS_PORT` must not be `PORT`: the two servers cannot share it. Checked where a service loads its environment. */
export function metricsPortDiffers(
  env: { PORT: number; WRENN_METRICS_PORT?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  if (env.WRENN_METRICS_PORT !== undefined && env.WRENN_METRICS_PORT !== 0 && env.WRENN_METRICS_PORT === env.PORT) {
    ctx.addIssue({ code: 'custom', path: ['WRENN_METRICS_PORT'], message: 'must differ from PORT' });
  }
}

/** `WRENN_INTERNAL_PORT` must be a port of its own: not `PORT`, not `WRENN_METRICS_PORT`. */
export function internalPortDiffers(
  env: { PORT: number; WRENN_METRICS_PORT?: number | undefined; WRENN_INTERNAL_PORT?: number | undefined },
  ctx: z.RefinementCtx,
): void {
  const internal = env.WRENN_INTERNAL_PORT;
  if (internal === undefined || internal === 0) return;
  if (internal === env.PORT || internal === env.WRENN_METRICS_PORT) {
    ctx.addIssue({
      code: 'custom',
      path: ['WRENN_INTERNAL_PORT'],
      message: 'must differ from PORT and WRENN_METRICS_PORT',
    });
  }
}

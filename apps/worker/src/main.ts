import { createDb } from '@wrenn/db';
import { createOutboundHttp, providerSettingsFromEnv } from '@wrenn/providers';
import { pingRedis } from '@wrenn/queues';
import { handleShutdown, redisTarget, secretBoxFromEnv, serveMetricsPort, startService } from '@wrenn/runtime';
import { sql } from 'kysely';
import { loadWorkerEnv } from './env';
import { createOpsServer } from './ops/ops-server';
import { startWorkerRuntime } from './worker-runtime';

const env = loadWorkerEnv();
const { logger, tracing, metrics } = await startService('worker', env);
// Each delivery holds a connection only for its short queries; a fraction of the concurrency suffices.
const db = createDb({
  connectionString: env.DATABASE_URL,
  applicationName: 'wrenn-worker',
  max: Math.min(Math.max(10, Math.ceil(env.WRENN_WORKER_CONCURRENCY / 3)), 50),
  onConnectionError: (err) => logger.warn({ err }, 'postgres connection lost'),
});
const providerSettings = { ...providerSettingsFromEnv(env), linkTemplates: env.WRENN_LINK_TEMPLATES };
const http = createOutboundHttp({ allowPrivateTargets: providerSettings.allowPrivateTargets });

const runtime = startWorkerRuntime({
  db,
  redis: redisTarget(env),
  queuePrefix: env.WRENN_QUEUE_PREFIX,
  queueShards: env.WRENN_QUEUE_SHARDS,
  ...(env.WRENN_WORKER_SHARDS ? { consumeShards: env.WRENN_WORKER_SHARDS } : {}),
  secrets: secretBoxFromEnv(env),
  providerSettings,
  http,
  retryDelays: env.WRENN_RETRY_DELAYS,
  concurrency: env.WRENN_WORKER_CONCURRENCY,
  maxRateLimitWaitMs: env.WRENN_MAX_RATE_LIMIT_WAIT,
  editWindowMs: env.WRENN_EDIT_WINDOW,
  lockMs: env.WRENN_JOB_LOCK_MS,
  relay: {
    intervalMs: env.WRENN_RELAY_INTERVAL,
    lockTtlMs: env.WRENN_RELAY_LOCK_TTL,
    batchSize: env.WRENN_RELAY_PAGE_SIZE,
    maxPagesPerPass: env.WRENN_RELAY_PAGES_PER_PASS,
    maxDeliveryRequeues: env.WRENN_RELAY_MAX_REQUEUES,
  },
  retention: { deliveryMs: env.WRENN_DELIVERY_RETENTION, auditMs: env.WRENN_AUDIT_RETENTION ?? null },
  logger,
  metrics,
});

const ops = createOpsServer({
  metrics: env.WRENN_METRICS_PORT === undefined ? metrics : undefined,
  checks: {
    postgres: () => sql`select 1`.execute(db),
    redis: () => pingRedis(runtime.redis),
  },
});
ops.listen(env.PORT, () => {
  logger.info(
    {
      port: env.PORT,
      concurrency: env.WRENN_WORKER_CONCURRENCY,
      retryDelaysMs: env.WRENN_RETRY_DELAYS,
      shards: env.WRENN_WORKER_SHARDS ?? `all ${env.WRENN_QUEUE_SHARDS}`,
    },
    'worker started',
  );
});

const stopMetricsServer = serveMetricsPort(metrics, env.WRENN_METRICS_PORT, logger);

handleShutdown({
  logger,
  steps: [
    // In-flight requests finish and are recorded (each is bounded by WRENN_PROVIDER_TIMEOUT);
    // their drains hand the channels back to the queue for another worker.
    ['workers', () => runtime.close()],
    ['ops server', () => new Promise<void>((resolve) => ops.close(() => resolve()))],
    ['metrics server', stopMetricsServer],
    ['outbound http', () => http.close()],
    ['database', () => db.destroy()],
    // Last: the spans of the work finished above are exported before the process exits.
    ['tracing', () => tracing.shutdown()],
  ],
});

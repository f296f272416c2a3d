import type { Server } from 'node:http';
import { createAuditLogger } from '@wrenn/audit';
import { createDb } from '@wrenn/db';
import { createOutboundHttp, providerSettingsFromEnv } from '@wrenn/providers';
import { createProducerConnection, createQueues, queueLayout } from '@wrenn/queues';
import { handleShutdown, redisTarget, secretBoxFromEnv, serveMetricsPort, startService } from '@wrenn/runtime';
import { createApp, createInternalApp } from './app';
import type { ApiDeps } from './deps';
import { loadApiEnv } from './env';
import { createEventPublisher } from './ingest/event-publisher';
import { findPortalDir } from './portal/portal-page';

const env = loadApiEnv();
const { logger, tracing, metrics } = await startService('api', env);
const db = createDb({
  connectionString: env.DATABASE_URL,
  applicationName: 'wrenn-api',
  max: env.WRENN_DB_POOL_SIZE,
  onConnectionError: (err) => logger.warn({ err }, 'postgres connection lost'),
});
const redisAt = redisTarget(env);
const redis = createProducerConnection(redisAt);
redis.on('error', (err) => logger.debug({ err }, 'redis connection error'));
const queues = createQueues(
  redis,
  queueLayout(env.WRENN_QUEUE_PREFIX, env.WRENN_QUEUE_SHARDS, redisAt.kind === 'cluster'),
);
for (const queue of [queues.events, ...queues.allDeliveries]) {
  queue.on('error', (err) => logger.debug({ err }, 'queue error'));
}
const providerSettings = providerSettingsFromEnv(env);
const http = createOutboundHttp({ allowPrivateTargets: providerSettings.allowPrivateTargets });

const publishEvents = createEventPublisher({ queue: queues.events });
const audit = createAuditLogger({ db, logger, publish: publishEvents });

const deps: ApiDeps = {
  db,
  redis,
  deliveryQueues: queues,
  audit,
  publishEvents,
  secrets: secretBoxFromEnv(env),
  providerSettings,
  http,
  logger,
  metrics,
  serveMetrics: env.WRENN_METRICS_PORT === undefined,
  jwtSecret: env.WRENN_JWT_SECRET,
  internalToken: env.WRENN_INTERNAL_TOKEN,
  limits: {
    maxChannelsPerTeam: env.WRENN_MAX_CHANNELS_PER_TEAM,
    apiRequestsPerMinute: env.WRENN_API_RATE_LIMIT,
    rateLimitKeyPrefix: env.WRENN_QUEUE_PREFIX,
  },
  portal: {
    dir: findPortalDir(import.meta.dirname),
    frameAncestors: env.WRENN_PORTAL_FRAME_ANCESTORS,
    publicUrl: env.WRENN_PORTAL_PUBLIC_URL,
  },
};

// With WRENN_INTERNAL_PORT, /internal/* is served there only and PORT answers it 404.
const internalPort = env.WRENN_INTERNAL_PORT;
const app = createApp(deps, { internalRoutes: internalPort === undefined });
const server = app.listen(env.PORT, () => {
  logger.info({ port: env.PORT }, 'api listening');
});
server.keepAliveTimeout = 65_000;
const internalServer =
  internalPort === undefined
    ? null
    : createInternalApp(deps).listen(internalPort, () => {
        logger.info({ port: internalPort }, 'internal routes listening');
      });
if (internalServer) internalServer.keepAliveTimeout = 65_000;
const closeServer = (s: Server | null) => () =>
  new Promise<void>((resolve, reject) => (s ? s.close((err) => (err ? reject(err) : resolve())) : resolve()));
const stopMetricsServer = serveMetricsPort(metrics, env.WRENN_METRICS_PORT, logger);

handleShutdown({
  logger,
  steps: [
    // Stop accepting requests and let in-flight ones finish.
    ['http server', closeServer(server)],
    ['internal http server', closeServer(internalServer)],
    ['metrics server', stopMetricsServer],
    ['queues', () => queues.close()],
    ['redis', () => redis.quit()],
    ['outbound http', () => http.close()],
    ['database', () => db.destroy()],
    // Last: the spans of the work finished above are exported before the process exits.
    ['tracing', () => tracing.shutdown()],
  ],
});

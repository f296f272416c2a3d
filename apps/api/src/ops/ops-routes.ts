import { pingRedis } from '@wrenn/queues';
import { checkReadiness, Histogram, SERVICE_VERSION } from '@wrenn/runtime';
import { type RequestHandler, Router } from 'express';
import { sql } from 'kysely';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/app-error';

/** `/health` (no dependencies), `/ready` (PostgreSQL and Redis) and, unless moved to its own port, `/metrics`. */
export function opsRouter(deps: Pick<ApiDeps, 'db' | 'redis' | 'metrics' | 'serveMetrics'>): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok', version: SERVICE_VERSION });
  });
  router.get('/ready', async (_req, res) => {
    const readiness = await checkReadiness({
      postgres: () => sql`select 1`.execute(deps.db),
      redis: () => pingRedis(deps.redis),
    });
    if (!readiness.ok) {
      const down = Object.keys(readiness.checks).filter((name) => readiness.checks[name] !== 'ok');
      // An error like any other: the error handler answers 503 with the error body.
      throw new AppError('unavailable', `not ready: ${down.join(' and ')} unreachable`);
    }
    res.json({ status: 'ready', checks: readiness.checks });
  });
  if (deps.serveMetrics !== false) {
    router.get('/metrics', async (_req, res) => {
      res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
    });
  }
  return router;
}

/** Request count and latency by route pattern (never by raw path: ids would explode cardinality). */
export function httpMetrics(deps: Pick<ApiDeps, 'metrics'>): RequestHandler {
  const name = 'wrenn_http_request_duration_seconds';
  // With WRENN_INTERNAL_PORT a second app counts its requests in the same histogram.
  const duration =
    (deps.metrics.getSingleMetric(name) as Histogram<'method' | 'route' | 'status'> | undefined) ??
    new Histogram({
      name,
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [deps.metrics],
    });
  return (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      end({ method: req.method, route: `${req.baseUrl}${route}`, status: String(res.statusCode) });
    });
    next();
  };
}

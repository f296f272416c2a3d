import { createServer, type Server } from 'node:http';
import { type Check, checkReadiness, type Registry, SERVICE_VERSION, writeMetrics } from '@wrenn/runtime';

export interface OpsServerOptions {
  /** Served on /metrics; without it (metrics on a port of their own) /metrics is a 404 here. */
  metrics?: Registry | undefined;
  /** Dependency checks for /ready (PostgreSQL, Redis). */
  checks: Record<string, Check>;
}

/**
 * The worker's only HTTP surface: `/health` (the process is alive), `/ready`
 * (503 while PostgreSQL or Redis is unreachable, 200 again once they are back)
 * and `/metrics` (Prometheus, unless `WRENN_METRICS_PORT` moves it to a server of its own).
 */
export function createOpsServer(options: OpsServerOptions): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return json(405, { error: { code: 'invalid_request', message: 'only GET is served here' } });
    }
    if (path === '/health') return json(200, { status: 'ok', version: SERVICE_VERSION });
    if (path === '/ready') {
      void checkReadiness(options.checks).then((readiness) => {
        if (readiness.ok) return json(200, { status: 'ready', checks: readiness.checks });
        const down = Object.keys(readiness.checks).filter((name) => readiness.checks[name] !== 'ok');
        // The same error body as the API's /ready.
        res.setHeader('Retry-After', '5');
        json(503, { error: { code: 'unavailable', message: `not ready: ${down.join(' and ')} unreachable` } });
      });
      return;
    }
    if (path === '/metrics' && options.metrics) return writeMetrics(options.metrics, res);
    json(404, { error: { code: 'not_found', message: `no route for ${req.method} ${path}` } });
  });
}

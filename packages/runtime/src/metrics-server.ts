import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Answers with the registry's exposition text, or a 500 when collecting fails. */
export function writeMetrics(registry: Registry, res: ServerResponse): void {
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
    },
    () => json(res, 500, { error: { code: 'internal', message: 'metrics unavailable' } }),
  );
}

/**
 * The server behind `WRENN_METRICS_PORT`: `GET /metrics` and nothing else, so
 * a network policy can open this port to Prometheus alone.
 */
export function createMetricsServer(registry: Registry): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/metrics') return writeMetrics(registry, res);
    json(res, 404, { error: { code: 'not_found', message: `no route for ${req.method} ${path}` } });
  });
}

/**
 * Serves the metrics on `port` when one is set (`WRENN_METRICS_PORT`); returns
 * what stops that server at shutdown (nothing to stop without a port).
 */
export function serveMetricsPort(registry: Registry, port: number | undefined, logger: Logger): () => Promise<void> {
  if (port === undefined) return async () => {};
  const server = createMetricsServer(registry);
  server.listen(port, () => logger.info({ port }, 'metrics listening'));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}

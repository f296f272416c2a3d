import express, { type Express } from 'express';
import { registerAuditLogRoutes } from './audit/audit-log-routes';
import { registerChannelRoutes } from './channels/channel-routes';
import { registerDeliveryRoutes } from './deliveries/delivery-routes';
import type { ApiDeps } from './deps';
import { docsPage } from './docs/docs-page';
import { registerEventTypeRoutes } from './event-types/event-type-routes';
import { accessLog } from './http/access-log';
import { createInternalAuthenticator, createUserAuthenticator } from './http/auth';
import { errorHandler, routeNotFound } from './http/error-handler';
import { jsonBody } from './http/json-body';
import { buildOpenApi } from './http/openapi';
import { RouteRegistry } from './http/route';
import { registerIngestRoutes } from './ingest/ingest-routes';
import { httpMetrics, opsRouter } from './ops/ops-routes';
import { portalPage } from './portal/portal-page';
import { registerPortalRoutes } from './portal/portal-routes';

/** Every documented route of the API. */
export function buildRoutes(deps: ApiDeps): RouteRegistry {
  const registry = new RouteRegistry();
  registerChannelRoutes(registry, deps);
  registerDeliveryRoutes(registry, deps);
  registerEventTypeRoutes(registry);
  registerAuditLogRoutes(registry, deps);
  registerIngestRoutes(registry, deps);
  registerPortalRoutes(registry, deps);
  return registry;
}

/** The Express application, without `listen` (tests drive it directly). */
export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(accessLog(deps.logger));
  app.use(httpMetrics(deps));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  const registry = buildRoutes(deps);
  const openapi = buildOpenApi(registry.routes);
  const router = registry.router({
    user: createUserAuthenticator(deps.jwtSecret),
    internal: createInternalAuthenticator(deps.internalToken),
  });

  app.use(opsRouter(deps));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', docsPage());
  app.use('/portal', portalPage(deps.portal ?? { dir: null, frameAncestors: "'self'" }));
  app.use('/v1', jsonBody('64kb'));
  app.use('/internal', jsonBody('1mb'));
  app.use(router);
  app.use(routeNotFound);
  app.use(errorHandler(deps.logger));
  return app;
}

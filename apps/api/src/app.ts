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
import { buildOpenApi } from './http/openapi';
import { createRateLimits } from './http/rate-limits';
import { type AnyRouteSpec, type RoutePipeline, RouteRegistry } from './http/route';
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

/** The access log, request metrics and the headers every answer carries. */
function commonMiddleware(app: Express, deps: ApiDeps): void {
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(accessLog(deps.logger));
  app.use(httpMetrics(deps));
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
}

function authenticators(deps: ApiDeps): RoutePipeline['auth'] {
  return { user: createUserAuthenticator(deps.jwtSecret), internal: createInternalAuthenticator(deps.internalToken) };
}

function routePipeline(deps: ApiDeps): RoutePipeline {
  return {
    auth: authenticators(deps),
    rateLimits: createRateLimits({
      redis: deps.redis,
      keyPrefix: deps.limits.rateLimitKeyPrefix ?? 'wrenn',
      apiPerMinute: deps.limits.apiRequestsPerMinute,
      testSendsPerMinute: deps.limits.testSendsPerMinute,
      logger: deps.logger,
      metrics: deps.metrics,
    }),
  };
}

const isInternal = (spec: AnyRouteSpec) => spec.auth === 'internal';

export interface AppOptions {
  /**
   * Serve `/internal/*` here (default). False when `WRENN_INTERNAL_PORT` gives
   * them a port of their own ({@link createInternalApp}): this app then answers them 404.
   */
  internalRoutes?: boolean;
}

/** The Express application, without `listen` (tests drive it directly). */
export function createApp(deps: ApiDeps, options: AppOptions = {}): Express {
  const app = express();
  commonMiddleware(app, deps);

  const registry = buildRoutes(deps);
  const openapi = buildOpenApi(registry.routes);
  const internalRoutes = options.internalRoutes ?? true;
  const router = registry.router(routePipeline(deps), (spec) => internalRoutes || !isInternal(spec));

  app.use(opsRouter(deps));
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', docsPage());
  app.use('/portal', portalPage(deps.portal ?? { dir: null, frameAncestors: "'self'" }));
  app.use(router);
  app.use(routeNotFound);
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * `/internal/*` alone, for `WRENN_INTERNAL_PORT`: the platform's backend
 * reaches this port, the ingress never does. Its requests are counted in the
 * same metrics as the main app's.
 */
export function createInternalApp(deps: ApiDeps): Express {
  const app = express();
  commonMiddleware(app, deps);
  app.use(buildRoutes(deps).router({ auth: authenticators(deps) }, isInternal));
  app.use(routeNotFound);
  app.use(errorHandler(deps.logger));
  return app;
}

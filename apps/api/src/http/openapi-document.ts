import { buildRoutes } from '../app';
import type { ApiDeps } from '../deps';
import { buildOpenApi } from './openapi';

/**
 * The OpenAPI document the running API serves, built without any connection:
 * routes read only the provider settings while registering, and the document
 * does not depend on their values. The portal's typed client is generated from it.
 */
export function openApiDocument(): Record<string, unknown> {
  const deps = {
    providerSettings: {
      allowPrivateTargets: false,
      discordApiBase: 'https://discord.com/api',
      telegramApiBase: 'https://api.telegram.org',
      timeoutMs: 10_000,
      userAgent: 'Wrenn-Webhooks',
    },
  } as ApiDeps;
  return buildOpenApi(buildRoutes(deps).routes);
}

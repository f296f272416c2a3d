import { SERVICE_VERSION } from '@wrenn/runtime';
import { z } from 'zod';
import { ERROR_STATUS } from './app-error';
import { TEST_SENDS_PER_MINUTE } from './rate-limits';
import { type AnyRouteSpec, type RateLimitName, rateLimitOf } from './route';

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/** Path, query and header parameters of an object schema; a property's description describes the parameter. */
function parameters(schema: z.ZodType | undefined, location: 'path' | 'query' | 'header'): unknown[] {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as {
    properties?: Record<string, { description?: string }>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, prop]) => ({
    name,
    in: location,
    ...(prop.description ? { description: prop.description } : {}),
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: prop,
  }));
}

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(ERROR_STATUS) }, message: { type: 'string' } },
    },
  },
};

const text = (description: string, type: string) => ({
  description,
  content: { [type]: { schema: { type: 'string' } } },
});

const RATE_LIMIT_HEADERS = {
  'Retry-After': {
    description: 'Seconds until the window ends and requests are accepted again.',
    schema: { type: 'integer', minimum: 0 },
  },
  RateLimit: {
    description:
      'IETF draft (httpapi-ratelimit-headers) form: `"<policy>"; r=<remaining>; t=<seconds until the window ends>`.',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'IETF draft form: `"<policy>"; q=<requests per window>; w=60; pk=:<partition key>:`.',
    schema: { type: 'string' },
  },
};

const RATE_LIMITED: Record<RateLimitName, string> = {
  test_sends: `The team made ${TEST_SENDS_PER_MINUTE} test sends (both test routes together) in the current one-minute window (\`rate_limited\`, policy \`test_sends\`)`,
  api: 'The team made `WRENN_API_RATE_LIMIT` (default 1200) requests to `/v1/*`, test sends aside, in the current one-minute window (`rate_limited`, policy `api`)',
};

/** A route's 429, with the headers that say when to come back. */
function rateLimitedResponse(limit: RateLimitName) {
  return {
    description: RATE_LIMITED[limit],
    headers: RATE_LIMIT_HEADERS,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
}

/** The operations routes (health, readiness, metrics), served outside the route registry. */
const OPERATIONS_PATHS: Record<string, Record<string, unknown>> = {
  '/health': {
    get: {
      summary: 'Liveness; checks no dependency',
      tags: ['operations'],
      security: [],
      responses: { 200: { description: 'The process is up' } },
    },
  },
  '/ready': {
    get: {
      summary: 'Readiness: PostgreSQL and Redis reachable',
      tags: ['operations'],
      security: [],
      responses: { 200: { description: 'Both reachable' }, 503: { description: 'A dependency is unreachable' } },
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics',
      tags: ['operations'],
      security: [],
      responses: { 200: text('Prometheus text exposition format', 'text/plain') },
    },
  },
  '/openapi.json': {
    get: {
      summary: 'This OpenAPI 3.1 document',
      tags: ['operations'],
      security: [],
      responses: {
        200: { description: 'The document', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  },
  '/portal/': {
    get: {
      summary:
        'The team portal (static page). Opened with a `#token=` fragment from `POST /internal/v1/portal-sessions`; `Content-Security-Policy` `frame-ancestors` from `WRENN_PORTAL_FRAME_ANCESTORS`',
      tags: ['portal'],
      security: [],
      responses: {
        200: text('The portal page', 'text/html'),
        503: text('The portal was not built', 'text/plain'),
      },
    },
  },
  '/docs': {
    get: {
      summary: 'Interactive API documentation (Swagger UI)',
      tags: ['operations'],
      security: [],
      responses: { 200: text('An HTML page rendering /openapi.json', 'text/html') },
    },
  },
};

/** The OpenAPI 3.1 document of every registered route and of the operations routes. */
export function buildOpenApi(routes: readonly AnyRouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { 'application/json': { schema: jsonSchema(response.schema, 'output') } } }
          : {}),
      };
    }
    const limit = rateLimitOf(route);
    if (limit) responses[429] = rateLimitedResponse(limit);
    responses.default = {
      description: 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      security: route.auth === 'user' ? [{ userJwt: [] }] : route.auth === 'internal' ? [{ internalToken: [] }] : [],
      parameters: [
        ...parameters(route.params, 'path'),
        ...parameters(route.query, 'query'),
        ...parameters(route.headers, 'header'),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Wrenn Channels',
      version: SERVICE_VERSION,
      description:
        'Notification channels for Wrenn teams: Discord, Slack, Microsoft Teams, Google Chat, Telegram, Matrix and signed webhooks. ' +
        'Requests to `/v1/*` are rate-limited per team (see the 429 answers); every answer to them carries the IETF draft `RateLimit` and `RateLimit-Policy` headers.',
    },
    paths: { ...paths, ...OPERATIONS_PATHS },
    components: {
      schemas: { Error: errorBody },
      securitySchemes: {
        userJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Platform user JWT (HS256)' },
        internalToken: { type: 'http', scheme: 'bearer', description: 'WRENN_INTERNAL_TOKEN' },
      },
    },
  };
}

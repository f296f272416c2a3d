import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { z } from 'zod';
import { AppError } from './app-error';
import type { AuthContext } from './auth';
import { describeIssue } from './describe-issue';
import { jsonBody } from './json-body';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type AuthKind = 'user' | 'internal' | 'none';
/** The per-team budget a user route spends: test sends have their own, every other route shares `api`. */
export type RateLimitName = 'test_sends' | 'api';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
}

/** The caller a route's handler is given: a user route's authenticated caller, nothing otherwise. */
export type AuthOf<A extends AuthKind> = A extends 'user' ? AuthContext : undefined;

export interface RouteInput<P, Q, B, H, A extends AuthKind = AuthKind> {
  params: P;
  query: Q;
  body: B;
  /** The headers the route declares, by their declared names. */
  headers: H;
  /** The authenticated caller of a `user` route; `undefined` on the others. */
  auth: AuthOf<A>;
  req: Request;
  res: Response;
}

/**
 * One route: its schemas validate the request and produce the OpenAPI
 * document, so the two cannot drift apart.
 */
export interface RouteSpec<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  H extends z.ZodObject = z.ZodObject,
  A extends AuthKind = AuthKind,
> {
  method: HttpMethod;
  /** Express syntax: `/v1/channels/:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: A;
  /** User routes only: the budget a request spends (default `api`). */
  rateLimit?: RateLimitName;
  params?: P;
  query?: Q;
  body?: B;
  /**
   * Request headers, keyed by their canonical names (`Idempotency-Key`), which
   * is how they are documented; matched case-insensitively.
   */
  headers?: H;
  /**
   * The body may be left out (every field of `body` is optional): a request
   * without one is validated as `{}`. Routes without `body` ignore any body sent.
   */
  bodyOptional?: boolean;
  responses: Record<number, RouteResponse>;
  handler: (input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>, z.infer<H>, A>) => Promise<void>;
}

export type AnyRouteSpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodObject>;

function parsePart<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.infer<S> {
  if (!schema) return undefined as z.infer<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw new AppError('invalid_request', describeIssue(result.error, where));
  return result.data;
}

/** The declared headers present on the request; an empty value counts as present. */
function declaredHeaders(req: Request, names: readonly string[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of names) {
    const value = req.get(name);
    if (value !== undefined) found[name] = value;
  }
  return found;
}

export interface Authenticators {
  user: (req: Request) => Promise<AuthContext>;
  internal: (req: Request) => void;
}

/** What every route runs before its handler, in this order. */
export interface RoutePipeline {
  auth: Authenticators;
  /**
   * Spends one request of the calling team's budget; may answer 429 (`rate_limited`).
   * Required when user routes are mounted.
   */
  rateLimits?: Record<RateLimitName, RequestHandler>;
}

/** The budget a route's requests spend, or null for routes without a team. */
export function rateLimitOf(spec: Pick<AnyRouteSpec, 'auth' | 'rateLimit'>): RateLimitName | null {
  return spec.auth === 'user' ? (spec.rateLimit ?? 'api') : null;
}

/** Bodies up to 1 MB on `/internal/*` (batches of audit entries), 64 KB elsewhere. */
const bodyParsers: Record<AuthKind, RequestHandler> = {
  internal: jsonBody('1mb'),
  user: jsonBody('64kb'),
  none: jsonBody('64kb'),
};

/** Where the caller of a user route, once authenticated, is kept for the steps after it. */
function authOf(res: Response): AuthContext | undefined {
  return res.locals.auth as AuthContext | undefined;
}

/** The calling team of an authenticated user request: what rate limits are keyed by. */
export function teamOf(res: Response): string {
  const auth = authOf(res);
  if (!auth) throw new Error('a team is read only after a user route has authenticated its caller');
  return auth.teamId;
}

/** Keeps every route spec; mounts them on a router and describes them in OpenAPI. */
export class RouteRegistry {
  readonly routes: AnyRouteSpec[] = [];

  add<
    P extends z.ZodType,
    Q extends z.ZodType,
    B extends z.ZodType,
    H extends z.ZodObject = z.ZodObject,
    A extends AuthKind = AuthKind,
  >(spec: RouteSpec<P, Q, B, H, A>): this {
    this.routes.push(spec as unknown as AnyRouteSpec);
    return this;
  }

  /**
   * Mounts the routes `include` selects. Each request is authenticated first,
   * then spends its team's rate limit, and only then is its body read: a caller
   * without a valid token or over its limit costs no parsing at all.
   */
  router(pipeline: RoutePipeline, include: (spec: AnyRouteSpec) => boolean = () => true): Router {
    const router = Router();
    for (const spec of this.routes.filter(include)) {
      const headerNames = spec.headers ? Object.keys(spec.headers.shape) : [];
      const authenticate: RequestHandler = async (req, res, next) => {
        try {
          if (spec.auth === 'user') res.locals.auth = await pipeline.auth.user(req);
          if (spec.auth === 'internal') pipeline.auth.internal(req);
          next();
        } catch (err) {
          next(err);
        }
      };
      const limit = rateLimitOf(spec);
      const limiter = limit ? pipeline.rateLimits?.[limit] : undefined;
      if (limit && !limiter) throw new Error(`${spec.method} ${spec.path} needs the ${limit} rate limit`);
      const steps = [authenticate, ...(limiter ? [limiter] : []), bodyParsers[spec.auth]];
      router[spec.method](spec.path, ...steps, async (req, res, next) => {
        try {
          const params = parsePart(spec.params, req.params, 'path');
          const query = parsePart(spec.query, req.query, 'query');
          const sent = req.body === undefined && spec.bodyOptional ? {} : req.body;
          if (spec.body && sent === undefined) throw new AppError('invalid_request', 'request body is required');
          const headers = parsePart(spec.headers, declaredHeaders(req, headerNames), 'header');
          const body = parsePart(spec.body, sent, 'body');
          await spec.handler({ params, query, body, headers, auth: authOf(res), req, res });
        } catch (err) {
          next(err);
        }
      });
    }
    return router;
  }
}

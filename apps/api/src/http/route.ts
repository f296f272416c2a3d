import { type Request, type Response, Router } from 'express';
import type { z } from 'zod';
import { AppError } from './app-error';
import type { AuthContext } from './auth';
import { describeIssue } from './describe-issue';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type AuthKind = 'user' | 'internal' | 'none';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
}

export interface RouteInput<P, Q, B, H> {
  params: P;
  query: Q;
  body: B;
  /** The headers the route declares, by their declared names. */
  headers: H;
  /** Set for `auth: 'user'` routes. */
  auth: AuthContext;
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
> {
  method: HttpMethod;
  /** Express syntax: `/v1/channels/:id`. */
  path: string;
  summary: string;
  tag: string;
  auth: AuthKind;
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
  handler: (input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>, z.infer<H>>) => Promise<void>;
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

/** Keeps every route spec; mounts them on a router and describes them in OpenAPI. */
export class RouteRegistry {
  readonly routes: AnyRouteSpec[] = [];

  add<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, H extends z.ZodObject = z.ZodObject>(
    spec: RouteSpec<P, Q, B, H>,
  ): this {
    this.routes.push(spec as unknown as AnyRouteSpec);
    return this;
  }

  router(auth: Authenticators): Router {
    const router = Router();
    for (const spec of this.routes) {
      const headerNames = spec.headers ? Object.keys(spec.headers.shape) : [];
      router[spec.method](spec.path, async (req, res, next) => {
        try {
          let context: AuthContext | undefined;
          if (spec.auth === 'user') context = await auth.user(req);
          if (spec.auth === 'internal') auth.internal(req);
          const params = parsePart(spec.params, req.params, 'path');
          const query = parsePart(spec.query, req.query, 'query');
          const sent = req.body === undefined && spec.bodyOptional ? {} : req.body;
          if (spec.body && sent === undefined) throw new AppError('invalid_request', 'request body is required');
          const headers = parsePart(spec.headers, declaredHeaders(req, headerNames), 'header');
          const body = parsePart(spec.body, sent, 'body');
          await spec.handler({ params, query, body, headers, auth: context as AuthContext, req, res });
        } catch (err) {
          next(err);
        }
      });
    }
    return router;
  }
}

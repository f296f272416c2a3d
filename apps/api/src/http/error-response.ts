import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from './app-error';

/** The body of every error response: `{ error: { code, message } }`, the same for every route. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
  }),
});

/** A documented error response of a route, keyed by its status in `responses`. */
export function errorResponse(description: string) {
  return { description, schema: ErrorBody };
}

/** Errors every JWT route can answer with. */
export const USER_ROUTE_ERRORS = {
  401: errorResponse('Missing, malformed, expired or otherwise rejected token (`unauthorized`)'),
  503: errorResponse('PostgreSQL or Redis is unreachable; retry shortly (`unavailable`)'),
} as const;

/** Errors of JWT routes that take a JSON body. */
export const BODY_ROUTE_ERRORS = {
  ...USER_ROUTE_ERRORS,
  413: errorResponse('The body is larger than 64 KB (`payload_too_large`)'),
  415: errorResponse('The body is not `application/json` (`unsupported_media_type`)'),
} as const;

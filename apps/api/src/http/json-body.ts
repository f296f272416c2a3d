import express, { type RequestHandler } from 'express';
import { AppError } from './app-error';

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  if (headers['transfer-encoding'] !== undefined) return true;
  return length !== undefined && length !== '0';
}

/**
 * Parses JSON bodies up to `limit` (413 beyond). A body of another media type
 * is a 415; a request without a body passes with `req.body` undefined.
 */
export function jsonBody(limit: string): RequestHandler {
  const parse = express.json({ limit, strict: false, type: () => true });
  return (req, res, next) => {
    if (!hasBody(req.headers)) {
      req.body = undefined;
      return next();
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'application/json' && !type.endsWith('+json')) {
      return next(new AppError('unsupported_media_type', 'request body must be application/json'));
    }
    parse(req, res, next);
  };
}

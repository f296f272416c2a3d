import type { Logger } from '@wrenn/runtime';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error';

/** Errors from PostgreSQL or Redis being unreachable: the client should retry later. */
function isDependencyOutage(err: unknown): boolean {
  const e = err as { code?: string; message?: string; name?: string };
  const codes = [
    'ECONNREFUSED',
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'ENOTFOUND',
    '57P01',
    '57P03',
    '53300',
    '08006',
    '08001',
  ];
  if (e?.code && codes.includes(e.code)) return true;
  const message = e?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Connection is closed|Stream isn't writeable|connect ECONNREFUSED/i.test(
    message,
  );
}

/** Maps every error to `{"error":{"code","message"}}`; never leaks internals. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // The request's own logger binds its request id to the line.
    const log = req.log ?? logger;
    let appError: AppError;
    if (err instanceof AppError) {
      appError = err;
    } else if (err?.type === 'entity.too.large') {
      appError = new AppError('payload_too_large', `request body exceeds ${err.limit} bytes`);
    } else if (
      err?.type === 'entity.parse.failed' ||
      err?.type === 'encoding.unsupported' ||
      err?.type === 'charset.unsupported'
    ) {
      appError = new AppError('invalid_request', 'request body is not valid JSON');
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      appError = new AppError('invalid_request', 'malformed request');
    } else if (isDependencyOutage(err)) {
      log.warn({ err, path: req.path }, 'dependency unavailable');
      appError = new AppError('unavailable', 'a dependency is unavailable; retry shortly');
    } else {
      log.error({ err, method: req.method, path: req.path }, 'unhandled error');
      appError = new AppError('internal', 'internal error');
    }
    if (appError.status === 503) res.setHeader('Retry-After', '5');
    res.status(appError.status).json({ error: { code: appError.code, message: appError.message } });
  };
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new AppError('not_found', `no route for ${req.method} ${req.path}`));
};

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, redactText } from '@wrenn/runtime';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';

/** A caller's request id is kept only when it is a plain token: it ends up in log lines and a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's `X-Request-Id` when it is sane, a fresh UUID otherwise. */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * What an access line says: method, path (never the query string, which may
 * carry a token), status and duration. Headers and bodies are left out
 * whole, so an `Authorization` header cannot reach the log.
 */
function accessFields(req: IncomingMessage, res: ServerResponse, responseTime: number) {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  return {
    method: req.method,
    path: redactText(url.split('?')[0] ?? '/'),
    status: res.statusCode,
    durationMs: responseTime,
  };
}

/**
 * One access log line per request, with a request id that every response
 * echoes in `X-Request-Id` and that `req.log` binds (as `reqId`) to every
 * line logged while handling it. Uses the app's logger, so its redaction applies.
 */
export function accessLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    genReqId(req, res) {
      const id = requestIdOf(req.headers['x-request-id']);
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // A 5xx's cause is logged at error by the error handler; its access line need not page twice
    // (and a 503 from /ready while a dependency is away repeats with every probe).
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'warn' : 'info'),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request',
    customSuccessObject: (req, res, val: { responseTime: number }) => accessFields(req, res, val.responseTime),
    // The error itself, with its stack, is logged once by the error handler.
    customErrorObject: (req, res, _err, val: { responseTime: number }) => accessFields(req, res, val.responseTime),
  });
}

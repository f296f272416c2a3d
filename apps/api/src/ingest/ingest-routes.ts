import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/app-error';
import { errorResponse } from '../http/error-response';
import type { RouteRegistry } from '../http/route';
import { findIdempotentAnswer, idempotentRecord } from './idempotent-record';
import { IngestAccepted, IngestBodyDoc, IngestHeaders, parseIngestBody } from './ingest-schemas';
import { withIngestSpan } from './ingest-span';

/**
 * Documents the body; the handler validates it with `parseIngestBody` so a
 * failure names the entry's index (a union schema would only say "invalid").
 */
const { $schema: _drop, ...bodyJsonSchema } = z.toJSONSchema(IngestBodyDoc, { io: 'input' }) as Record<string, unknown>;
const documentedBody = z.unknown().meta(bodyJsonSchema);

/** POST /internal/v1/audit: the platform reports what happened, one entry or a batch. */
export function registerIngestRoutes(registry: RouteRegistry, deps: ApiDeps): void {
  registry.add({
    method: 'post',
    path: '/internal/v1/audit',
    summary: 'Record audit entries; lifecycle entries become events delivered to subscribed channels',
    tag: 'ingest',
    auth: 'internal',
    headers: IngestHeaders,
    body: documentedBody,
    responses: {
      202: {
        description:
          'Every entry is durably stored (audit rows and their events in one transaction); events will be delivered even if Redis is down right now. A repeated `Idempotency-Key` gets the first answer.',
        schema: IngestAccepted,
      },
      400: errorResponse(
        'Not an entry or an array of 1–500 entries, an invalid entry, or a malformed `Idempotency-Key`; nothing was stored (`invalid_request`)',
      ),
      401: errorResponse('Missing or wrong internal token (`unauthorized`)'),
      413: errorResponse('The body is larger than 1 MB (`payload_too_large`)'),
      415: errorResponse('The body is not `application/json` (`unsupported_media_type`)'),
      503: errorResponse('PostgreSQL is unreachable; nothing was stored, retry shortly (`unavailable`)'),
    },
    handler: ({ req, headers, res }) =>
      withIngestSpan(req.get('traceparent'), async (traceparent, span) => {
        const key = headers['Idempotency-Key'];
        // A repeated key answers the first answer whatever the body, even one that would not validate.
        const earlier = key === undefined ? null : await findIdempotentAnswer(deps.db, key);
        if (earlier) {
          res.status(202).json(earlier);
          return;
        }
        const parsed = parseIngestBody(req.body);
        if (!parsed.ok) throw new AppError('invalid_request', parsed.message);
        span.setAttribute('wrenn.ingest.entries', parsed.entries.length);
        if (key === undefined) {
          // One statement, published after commit by the logger itself.
          const { logIds, eventIds } = await deps.audit.record(parsed.entries, { traceparent });
          span.setAttribute('wrenn.ingest.events', eventIds.length);
          res.status(202).json({ ids: logIds });
          return;
        }
        const { ids, eventIds } = await idempotentRecord(deps, key, parsed.entries, traceparent);
        span.setAttribute('wrenn.ingest.events', eventIds.length);
        if (eventIds.length > 0) {
          try {
            await deps.publishEvents(eventIds);
          } catch (err) {
            deps.logger.warn(
              { err, events: eventIds.length },
              'enqueue after commit failed; the outbox relay will deliver',
            );
          }
        }
        res.status(202).json({ ids });
      }),
  });
}

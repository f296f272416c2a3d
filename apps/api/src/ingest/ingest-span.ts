import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { activeTraceparent, contextFromTraceparent, parseTraceparent } from '@wrenn/runtime';

const tracer = trace.getTracer('wrenn-api');

/**
 * Runs an ingest request inside an `ingest` span, a child of the caller's
 * `traceparent` when it sent a valid one. `work` receives the traceparent to
 * store with the request's events: the span's own (so fan-out is its child),
 * or, with tracing off, the caller's as it came; `null` without either. An
 * invalid header is ignored, as W3C Trace Context asks.
 */
export async function withIngestSpan<T>(
  header: string | undefined,
  work: (traceparent: string | null, span: { setAttribute(key: string, value: number): void }) => Promise<T>,
): Promise<T> {
  const incoming = parseTraceparent(header) ? (header as string).trim() : null;
  return tracer.startActiveSpan(
    'ingest',
    { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', 'http.route': '/internal/v1/audit' } },
    contextFromTraceparent(incoming),
    async (span) => {
      try {
        return await work(activeTraceparent(incoming), span);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'error' });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

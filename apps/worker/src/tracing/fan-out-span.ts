import { SpanKind, trace } from '@opentelemetry/api';
import { contextFromTraceparent } from '@wrenn/runtime';

const tracer = trace.getTracer('wrenn-worker');

/**
 * Records the fan-out of one event as a span in the event's trace (its stored
 * `traceparent`), from `startedAt` to now. Events are fanned out in batches,
 * so the span is written once the batch is done rather than held open around
 * shared work. A no-op with tracing off.
 */
export function recordFanOutSpan(event: {
  eventId: string;
  traceparent: string | null;
  startedAt: number;
  deliveries: number;
}): void {
  const span = tracer.startSpan(
    'fan-out',
    {
      kind: SpanKind.CONSUMER,
      startTime: event.startedAt,
      attributes: { 'wrenn.event.id': event.eventId, 'wrenn.deliveries': event.deliveries },
    },
    contextFromTraceparent(event.traceparent),
  );
  span.end();
}

import { type Context, context, ROOT_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';

// W3C Trace Context, version 00: `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`.
// Later versions may append fields after the flags; their first four fields read the same.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * The span context a `traceparent` header names, or `null` when it is not a
 * valid one (the W3C rules: lower-case hex, version `ff` and all-zero ids are
 * invalid, version 00 has exactly four fields). An invalid header is ignored,
 * as the specification asks, never an error.
 */
export function parseTraceparent(value: string | null | undefined): SpanContext | null {
  if (typeof value !== 'string' || value.length > 512) return null;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return null;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
}

/** The `traceparent` header of a span context (version 00). */
export function formatTraceparent(span: SpanContext): string {
  const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}

/** A context whose parent is the remote span a `traceparent` names; the root context for none. */
export function contextFromTraceparent(value: string | null | undefined, base: Context = ROOT_CONTEXT): Context {
  const parent = parseTraceparent(value);
  return parent ? trace.setSpanContext(base, parent) : base;
}

/**
 * The `traceparent` to hand on from the active span, or `fallback` when no
 * span records (tracing off): a receiver still joins the caller's trace.
 */
export function activeTraceparent(fallback: string | null = null): string | null {
  const span = trace.getSpan(context.active());
  const spanContext = span?.spanContext();
  if (span?.isRecording() && spanContext && trace.isSpanContextValid(spanContext)) {
    return formatTraceparent(spanContext);
  }
  return fallback;
}

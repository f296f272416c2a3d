import { type Link, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { ChannelId, DeliveryId } from '@wrenn/events';
import type { SendOutcome } from '@wrenn/providers';
import { activeTraceparent, contextFromTraceparent, parseTraceparent } from '@wrenn/runtime';

const tracer = trace.getTracer('wrenn-worker');

/** One delivery a request may carry, with the `traceparent` stored with its event (null: none). */
export interface AttemptDelivery {
  deliveryId: DeliveryId;
  traceparent: string | null;
}

export interface AttemptSpanInput {
  channelId: ChannelId;
  provider: string;
  /**
   * The deliveries offered to this request, in order: one for a webhook,
   * several for a combined chat message. The first one's trace is the span's
   * parent; each one the request carried is linked.
   */
  deliveries: readonly AttemptDelivery[];
}

/** What `send` comes back with: its outcome and, for a combined message, how many leading deliveries it carried. */
export interface AttemptSent {
  outcome: SendOutcome;
  carried?: number;
}

/**
 * Runs one delivery attempt inside a `deliver <provider>` span in the
 * trace of the (first) event it carries, with the attributes the contract
 * names (`wrenn.channel.id`, `wrenn.delivery.id`, `wrenn.provider`,
 * `http.response.status_code`) and its status from the outcome (`ok`: OK;
 * `retry` and `permanent`: ERROR, described by kind and status code only, never
 * by what the destination said). A combined message links the trace of every
 * event it carried.
 *
 * `send` receives the `traceparent` to put on the outgoing request (the
 * provider's `SendTarget.traceparent`): the attempt span's own, or, with tracing
 * off, the event's as stored, so a webhook receiver always joins the event's
 * trace. Whatever `send` returns is returned; a throw ends the span as an error
 * and is rethrown.
 */
export async function withAttemptSpan<T extends AttemptSent>(
  input: AttemptSpanInput,
  send: (traceparent: string | null) => Promise<T>,
): Promise<T> {
  const first = input.deliveries[0];
  const stored = first && parseTraceparent(first.traceparent) ? first.traceparent : null;
  return tracer.startActiveSpan(
    `deliver ${input.provider}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'wrenn.channel.id': input.channelId,
        'wrenn.provider': input.provider,
        ...(first ? { 'wrenn.delivery.id': first.deliveryId } : {}),
      },
    },
    contextFromTraceparent(stored),
    async (span) => {
      try {
        const sent = await send(activeTraceparent(stored));
        const carried = input.deliveries.slice(0, Math.max(1, sent.carried ?? 1));
        if (carried.length > 1) {
          span.setAttribute(
            'wrenn.delivery.id',
            carried.map((d) => d.deliveryId),
          );
          span.setAttribute('wrenn.message.events', carried.length);
          span.addLinks(linksOf(carried));
        }
        const { outcome } = sent;
        if (outcome.statusCode !== null) span.setAttribute('http.response.status_code', outcome.statusCode);
        span.setAttribute('wrenn.attempt.outcome', outcome.kind);
        if (outcome.kind === 'ok') span.setStatus({ code: SpanStatusCode.OK });
        else {
          const code = outcome.statusCode === null ? 'no answer' : `HTTP ${outcome.statusCode}`;
          span.setStatus({ code: SpanStatusCode.ERROR, message: `${outcome.kind} (${code})` });
        }
        return sent;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'error' });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** A link to each distinct event trace the message carried. */
function linksOf(deliveries: readonly AttemptDelivery[]): Link[] {
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const d of deliveries) {
    const context = parseTraceparent(d.traceparent);
    if (!context || seen.has(context.spanId)) continue;
    seen.add(context.spanId);
    links.push({ context, attributes: { 'wrenn.delivery.id': d.deliveryId } });
  }
  return links;
}

import { randomBytes } from 'node:crypto';
import { type EventPayload, newId } from '@wrenn/events';
import {
  createOutboundHttp,
  type ProviderName,
  type ProviderSettings,
  type SendBatchInput,
  type SendContext,
  sendEvents,
} from '@wrenn/providers';
import { createLogger, startTracing, type Tracing } from '@wrenn/runtime';
import {
  type FakeSlack,
  type FakeWebhookReceiver,
  type OtlpReceiver,
  startFakeSlack,
  startFakeWebhookReceiver,
  startOtlpReceiver,
  waitFor,
} from '@wrenn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttemptDelivery, withAttemptSpan } from '../src/tracing/attempt-span';

// How a drain calls the module: the rows' stored traceparents in, the traceparent to send out.

const traceparent = () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
const traceIdOf = (tp: string) => tp.split('-')[1] as string;

function event(): EventPayload {
  return {
    id: newId('event').id,
    event: 'capsule.created',
    timestamp: '2026-12-04T10:00:00Z',
    team_id: newId('team').id,
    actor: { type: 'user', name: 'Ada' },
    resource: { id: newId('capsule').id, type: 'sandbox' },
    metadata: {},
  };
}

let webhook: FakeWebhookReceiver;
let slack: FakeSlack;
let context: SendContext;

beforeAll(async () => {
  webhook = await startFakeWebhookReceiver();
  slack = await startFakeSlack();
  const settings: ProviderSettings = {
    allowPrivateTargets: true,
    discordApiBase: 'https://discord.com/api',
    slackApiBase: slack.origin,
    telegramApiBase: 'https://api.telegram.org',
    timeoutMs: 5_000,
    userAgent: 'Wrenn-Webhooks/test',
  };
  context = { settings, http: createOutboundHttp({ allowPrivateTargets: true }) };
});
afterAll(async () => {
  await context?.http.close();
  await webhook?.close();
  await slack?.close();
});

/** One attempt as a drain makes it: through `withAttemptSpan`, the span's traceparent on each input. */
function attempt(provider: ProviderName, deliveries: AttemptDelivery[], config: Record<string, string>) {
  return withAttemptSpan({ channelId: newId('channel').id, provider, deliveries }, (tp) => {
    const input: SendBatchInput = {
      config,
      traceparent: tp,
      items: deliveries.map((d) => ({ deliveryId: d.deliveryId, event: event() })),
    };
    return sendEvents(provider, input, context);
  });
}

describe('with tracing off', () => {
  it("sends the event's stored traceparent as it is, and nothing for an event without one", async () => {
    const stored = traceparent();
    const sent = await attempt('webhook', [{ deliveryId: newId('delivery').id, traceparent: stored }], {
      url: webhook.url,
    });
    expect(sent.outcome.kind).toBe('ok');
    expect(webhook.received.at(-1)?.request.headers.traceparent).toBe(stored);

    await attempt('webhook', [{ deliveryId: newId('delivery').id, traceparent: null }], { url: webhook.url });
    expect(webhook.received.at(-1)?.request.headers.traceparent).toBeUndefined();
    // An invalid stored value is never sent on.
    await attempt('webhook', [{ deliveryId: newId('delivery').id, traceparent: 'not-a-traceparent' }], {
      url: webhook.url,
    });
    expect(webhook.received.at(-1)?.request.headers.traceparent).toBeUndefined();
  });
});

describe('with tracing on', () => {
  let otlp: OtlpReceiver;
  let tracing: Tracing;

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    // The SDK reads the standard variables, as in a deployment.
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = otlp.url;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/json';
    process.env.OTEL_BSP_SCHEDULE_DELAY = '50';
    tracing = await startTracing({
      enabled: true,
      serviceName: 'wrenn-worker',
      logger: createLogger({ name: 'attempt-span-test', level: 'silent' }),
    });
  });
  afterAll(async () => {
    await tracing?.shutdown();
    await otlp?.close();
  });

  const spansOf = async (traceId: string, count: number) => {
    await waitFor(() => otlp.spans.filter((s) => s.traceId === traceId).length >= count, {
      timeoutMs: 5_000,
      message: `${count} spans of ${traceId}`,
    });
    return otlp.spans.filter((s) => s.traceId === traceId);
  };

  it("runs a webhook attempt in the event's trace with the contract's attributes; the receiver's parent is the request span", async () => {
    const stored = traceparent();
    const deliveryId = newId('delivery').id;
    const sent = await attempt('webhook', [{ deliveryId, traceparent: stored }], { url: webhook.url });
    expect(sent.outcome.kind).toBe('ok');
    const header = webhook.received.at(-1)?.request.headers.traceparent as string;
    expect(traceIdOf(header)).toBe(traceIdOf(stored));

    const spans = await spansOf(traceIdOf(stored), 2);
    const span = spans.find((s) => s.name === 'deliver webhook');
    const request = spans.find((s) => s.name === 'POST');
    expect(span).toMatchObject({ service: 'wrenn-worker', parentSpanId: stored.split('-')[2] });
    expect(span?.attributes).toMatchObject({
      'wrenn.channel.id': expect.stringMatching(/^ch-/),
      'wrenn.delivery.id': deliveryId,
      'wrenn.provider': 'webhook',
      'http.response.status_code': 200,
    });
    expect(span?.status.code).toBe(1);
    expect(request?.parentSpanId).toBe(span?.spanId);
    expect(header).toBe(`00-${traceIdOf(stored)}-${request?.spanId}-01`);
  });

  it('marks a failed attempt as an error, described without what the destination said', async () => {
    const stored = traceparent();
    webhook.failNext({ status: 503, body: 'secret-ish upstream text' }, 1);
    const sent = await attempt('webhook', [{ deliveryId: newId('delivery').id, traceparent: stored }], {
      url: webhook.url,
    });
    expect(sent.outcome.kind).toBe('retry');
    const span = (await spansOf(traceIdOf(stored), 2)).find((s) => s.name === 'deliver webhook');
    expect(span?.status).toMatchObject({ code: 2, message: 'retry (HTTP 503)' });
    expect(span?.attributes['http.response.status_code']).toBe(503);
    expect(JSON.stringify(span)).not.toContain('secret-ish');
  });

  it('links every event trace a combined chat message carried', async () => {
    const deliveries = [0, 1, 2].map(() => ({ deliveryId: newId('delivery').id, traceparent: traceparent() }));
    const sent = await attempt('slack', deliveries, { webhook_url: slack.webhookUrl() });
    expect(sent).toMatchObject({ outcome: { kind: 'ok' }, carried: 3 });
    const first = deliveries[0]?.traceparent as string;
    const span = (await spansOf(traceIdOf(first), 1)).find((s) => s.name === 'deliver slack');
    expect(span?.attributes['wrenn.delivery.id']).toEqual(deliveries.map((d) => d.deliveryId));
    expect(span?.links.map((l) => l.traceId)).toEqual(deliveries.map((d) => traceIdOf(d.traceparent)));
  });
});

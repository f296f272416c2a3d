import { randomBytes } from 'node:crypto';
import { formatId, newId } from '@wrenn/events';
import {
  type AppProcess,
  createTestDatabase,
  type FakeWebhookReceiver,
  freePort,
  type OtlpReceiver,
  startApp,
  startFakeWebhookReceiver,
  startOtlpReceiver,
  type TestDatabase,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
  waitForStatus,
} from '@wrenn/testing';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function startService(entry: string, env: NodeJS.ProcessEnv): Promise<AppProcess & { port: number }> {
  const port = await freePort();
  const app = startApp(entry, { ...env, PORT: String(port) });
  try {
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, 60_000);
  } catch (err) {
    app.child.kill('SIGKILL');
    throw new Error(`${entry} did not become ready: ${(err as Error).message}\n${app.output()}`);
  }
  return { ...app, port };
}

describe('tracing with OpenTelemetry', () => {
  let database: TestDatabase;
  let otlp: OtlpReceiver;
  let webhook: FakeWebhookReceiver;
  let api: AppProcess & { port: number };
  let worker: AppProcess & { port: number };
  const jwtSecret = randomBytes(32).toString('hex');
  const internalToken = randomBytes(24).toString('hex');
  const team = newId('team').id;
  // The platform's trace: its request to the ingest route carries this context.
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');

  beforeAll(async () => {
    database = await createTestDatabase();
    otlp = await startOtlpReceiver();
    webhook = await startFakeWebhookReceiver();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      WRENN_JWT_SECRET: jwtSecret,
      WRENN_INTERNAL_TOKEN: internalToken,
      WRENN_QUEUE_PREFIX: uniqueQueuePrefix(),
      WRENN_ALLOW_PRIVATE_TARGETS: 'true',
      LOG_LEVEL: 'warn',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Export within a tenth of a second rather than the default five.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    [api, worker] = await Promise.all([
      startService('apps/api/src/main.ts', env),
      startService('apps/worker/src/main.ts', env),
    ]);
    const token = await new SignJWT({ team_id: team, role: 'owner', name: 'Ada' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(newId('user').id)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(jwtSecret));
    const created = await fetch(`http://127.0.0.1:${api.port}/v1/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'traced', provider: 'webhook', config: { url: webhook.url }, events: ['*'] }),
    });
    expect(created.status).toBe(201);
    const ingest = await fetch(`http://127.0.0.1:${api.port}/internal/v1/audit`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${internalToken}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${callerSpanId}-01`,
      },
      body: JSON.stringify({
        team_id: team,
        actor: { type: 'user', id: newId('user').id, name: 'Ada' },
        resource_type: 'sandbox',
        resource_id: formatId('capsule', newId('capsule').uuid),
        action: 'create',
      }),
    });
    expect(ingest.status).toBe(202);
    await waitFor(() => webhook.delivered().length === 1, { timeoutMs: 20_000, message: 'the webhook delivery' });
  }, 120_000);

  afterAll(async () => {
    for (const app of [api, worker]) {
      if (app && app.child.exitCode === null) app.child.kill('SIGTERM');
      await app?.exited;
    }
    await webhook?.close();
    await otlp?.close();
    await database?.drop();
  });

  const inTrace = () => otlp.spans.filter((s) => s.traceId === traceId);

  it("exports the API's ingest span and the worker's fan-out span in the caller's trace", async () => {
    // Each process exports its spans in its own batches: wait for both.
    await waitFor(() => inTrace().some((s) => s.name === 'fan-out') && inTrace().some((s) => s.name === 'ingest'), {
      timeoutMs: 10_000,
      message: 'the ingest and fan-out spans',
    });
    const ingest = inTrace().find((s) => s.name === 'ingest');
    const fanOut = inTrace().find((s) => s.name === 'fan-out');
    expect(ingest).toMatchObject({ service: 'wrenn-api', parentSpanId: callerSpanId });
    expect(ingest?.attributes).toMatchObject({ 'wrenn.ingest.entries': 1, 'wrenn.ingest.events': 1 });
    // Fan-out follows the ingest span: the event kept the request's context in its row.
    expect(fanOut).toMatchObject({ service: 'wrenn-worker', parentSpanId: ingest?.spanId });
    expect(new Set(inTrace().map((s) => s.service))).toEqual(new Set(['wrenn-api', 'wrenn-worker']));
  });

  // The drain runs each attempt through `withAttemptSpan` and hands its traceparent to the provider.
  it("sends the webhook a traceparent of the event's trace, under an attempt span with the contract's attributes", async () => {
    const received = webhook.delivered()[0]?.request.headers.traceparent;
    expect(received).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    await waitFor(() => inTrace().some((s) => s.name === 'deliver webhook'), {
      timeoutMs: 10_000,
      message: 'the attempt span',
    });
    const attempt = inTrace().find((s) => s.name === 'deliver webhook');
    const request = inTrace().find((s) => s.name === 'POST' && s.parentSpanId === attempt?.spanId);
    expect(attempt?.service).toBe('wrenn-worker');
    expect(attempt?.attributes).toMatchObject({
      'wrenn.channel.id': expect.stringMatching(/^ch-/),
      'wrenn.delivery.id': expect.stringMatching(/^dlv-/),
      'wrenn.provider': 'webhook',
      'http.response.status_code': 200,
    });
    expect(attempt?.status.code).toBe(1);
    // The receiver's parent is the outgoing request's span.
    expect(received).toBe(`00-${traceId}-${request?.spanId}-01`);
  });
});

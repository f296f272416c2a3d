import { createHmac } from 'node:crypto';
import { generateWebhookSecret } from '@wrenn/crypto';
import { EVENT_TYPES } from '@wrenn/events';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedRequest } from '../../testing/src/fakes/fake-server';
import { type FakeWebhookReceiver, startFakeWebhookReceiver } from '../../testing/src/fakes/webhook';
import type { SendInput } from '../src/provider';
import { webhookProvider } from '../src/webhook';
import { renderWebhookBody, webhookHeaders } from '../src/webhook/render';
import { loopbackContext, testSettings } from './support/loopback-context';
import { hostileEvent, hugeEvent, sampleEvent } from './support/sample-events';

const SETTINGS = testSettings();

const DELIVERY = 'dlv-000000000000000000000d001';

function plainHeaders(req: ReceivedRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The platform's `X-WRENN-SIGNATURE` scheme, recomputed here without the service's signing code. */
function wrennSignatureMatches(req: ReceivedRequest, key: Buffer): boolean {
  const ts = req.headers['x-wrenn-timestamp'];
  const expected = `sha256=${createHmac('sha256', key).update(`${ts}.${req.body}`).digest('hex')}`;
  return req.headers['x-wrenn-signature'] === expected;
}

describe('webhook config', () => {
  it('accepts http and https URLs and keeps the secret as typed', () => {
    const secret = 'a secret as typed, 32 characters';
    expect(webhookProvider.validateConfig({ url: 'https://example.com/hook?x=1', secret }, SETTINGS)).toEqual({
      ok: true,
      config: { url: 'https://example.com/hook?x=1', secret },
    });
    expect(webhookProvider.validateConfig({ url: 'http://example.com' }, SETTINGS).ok).toBe(true);
    // Outer whitespace is what a paste brings along; URL parsing drops it.
    expect(webhookProvider.validateConfig({ url: ' https://example.com/hook\n' }, SETTINGS).ok).toBe(true);
  });

  it.each([
    'ftp://example.com/x',
    'not a url',
    'https://user:pw@example.com/hook',
    'file:///etc/passwd',
    'https://example.com/hook/ extra words',
  ])('refuses %s', (url) => {
    expect(webhookProvider.validateConfig({ url }, SETTINGS).ok).toBe(false);
  });

  it('names the URL as the user target', () => {
    expect(webhookProvider.userTargets({ url: 'https://example.com/h' }, SETTINGS)).toEqual(['https://example.com/h']);
  });
});

describe('webhook render', () => {
  it.each(EVENT_TYPES)('the body of %s is the event payload, byte for byte', (type) => {
    const event = sampleEvent(type);
    const body = renderWebhookBody(event);
    expect(body).toBe(JSON.stringify(event));
    expect(JSON.parse(body)).toEqual(event);
  });

  it('renders capsule.created exactly', () => {
    expect(renderWebhookBody(sampleEvent('capsule.created'))).toMatchInlineSnapshot(
      `"{"id":"evt-000000000000000000000e001","event":"capsule.created","timestamp":"2026-04-09T11:06:06Z","team_id":"team-00000000000000000000team1","actor":{"type":"user","id":"usr-0000000000000000000000ada","name":"Ada"},"resource":{"id":"cl-0a1b2c3d4e5f6g7h8i9j0k1l2","type":"sandbox"},"metadata":{"template":"python-3.12"}}"`,
    );
  });

  it('renders host.down (system actor) exactly', () => {
    expect(renderWebhookBody(sampleEvent('host.down'))).toMatchInlineSnapshot(
      `"{"id":"evt-000000000000000000000e001","event":"host.down","timestamp":"2026-04-09T11:06:06Z","team_id":"team-00000000000000000000team1","actor":{"type":"system"},"resource":{"id":"host-00000000000000000000000h1","type":"host"},"metadata":{"region":"eu-west","last_seen":"2026-04-09T11:05:00Z"}}"`,
    );
  });

  it('keeps hostile and huge values intact: the receiver gets the data, not a rendering', () => {
    for (const event of [hostileEvent(), hugeEvent()]) {
      expect(JSON.parse(renderWebhookBody(event))).toEqual(event);
    }
  });

  // Expected values computed with `openssl dgst -sha256 -mac HMAC`, independently of this code.
  it('signs with a fixed clock into both schemes', () => {
    const headers = webhookHeaders({
      deliveryId: DELIVERY,
      body: '{"a":1}',
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      at: new Date('2026-04-09T11:06:06.789Z'),
      userAgent: 'Wrenn-Webhooks/1.0.0',
    });
    expect(headers).toMatchInlineSnapshot(`
      {
        "Content-Type": "application/json",
        "User-Agent": "Wrenn-Webhooks/1.0.0",
        "X-WRENN-SIGNATURE": "sha256=04a38e40d7d11c5c889f845080350bff7a0020ea27bf3a7305509137db21f7b6",
        "X-Wrenn-Delivery": "dlv-000000000000000000000d001",
        "X-Wrenn-Timestamp": "2026-04-09T11:06:06Z",
        "webhook-id": "dlv-000000000000000000000d001",
        "webhook-signature": "v1,/hboz4UN68xNVpz/SpdEhsAVDIIqND1SG7cVEwbi1oo=",
        "webhook-timestamp": "1775732766",
      }
    `);
  });

  it('sends the delivery headers but no signature without a secret', () => {
    const headers = webhookHeaders({
      deliveryId: DELIVERY,
      body: '{}',
      secret: undefined,
      at: new Date('2026-04-09T11:06:06Z'),
      userAgent: 'UA',
    });
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'UA',
      'X-Wrenn-Delivery': DELIVERY,
      'X-Wrenn-Timestamp': '2026-04-09T11:06:06Z',
      'webhook-id': DELIVERY,
      'webhook-timestamp': '1775732766',
    });
  });
});

describe('webhook send', () => {
  let receiver: FakeWebhookReceiver;
  let context: ReturnType<typeof loopbackContext>;

  beforeEach(() => {
    context = loopbackContext({ timeoutMs: 500 });
  });
  afterEach(async () => {
    await receiver?.close();
    await context.close();
  });

  function input(config: Record<string, string>): SendInput {
    return { deliveryId: DELIVERY, event: sampleEvent('capsule.created'), config };
  }

  it('delivers a generated whsec_ secret that standardwebhooks and node:crypto both verify', async () => {
    const secret = generateWebhookSecret();
    receiver = await startFakeWebhookReceiver({ secret });
    const outcome = await webhookProvider.send(input({ url: receiver.url, secret }), context);
    expect(outcome).toEqual({ kind: 'ok', statusCode: 200 });

    const [got] = receiver.received;
    if (!got) throw new Error('nothing received');
    const req = got.request;
    expect(req.method).toBe('POST');
    expect(req.body).toBe(JSON.stringify(sampleEvent('capsule.created')));
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('Wrenn-Webhooks/0.0.0-test');
    expect(req.headers['x-wrenn-delivery']).toBe(DELIVERY);
    expect(req.headers['webhook-id']).toBe(DELIVERY);
    expect(req.headers['x-wrenn-timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    expect(new Webhook(secret).verify(req.body, plainHeaders(req))).toEqual(sampleEvent('capsule.created'));
    expect(wrennSignatureMatches(req, Buffer.from(secret.slice('whsec_'.length), 'base64'))).toBe(true);
    expect(got.signatures).toEqual({ standard: true, wrenn: true, timestampFresh: true });
  });

  it('signs with the UTF-8 bytes of a plain user secret', async () => {
    const secret = 'pässwörd-ünïcode-🔑';
    receiver = await startFakeWebhookReceiver({ secret });
    expect(await webhookProvider.send(input({ url: receiver.url, secret }), context)).toMatchObject({ kind: 'ok' });
    const req = receiver.received[0]?.request;
    if (!req) throw new Error('nothing received');
    const key = Buffer.from(secret, 'utf8');
    expect(new Webhook(new Uint8Array(key), { format: 'raw' }).verify(req.body, plainHeaders(req))).toBeTruthy();
    expect(wrennSignatureMatches(req, key)).toBe(true);
    // The wrong key must not verify, or the checks above prove nothing.
    expect(wrennSignatureMatches(req, Buffer.from('other'))).toBe(false);
    expect(() => new Webhook(generateWebhookSecret()).verify(req.body, plainHeaders(req))).toThrow();
  });

  it('sends unsigned deliveries when no secret is configured', async () => {
    receiver = await startFakeWebhookReceiver();
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toMatchObject({ kind: 'ok' });
    const req = receiver.received[0]?.request;
    expect(req?.headers['x-wrenn-delivery']).toBe(DELIVERY);
    expect(req?.headers['webhook-id']).toBe(DELIVERY);
    expect(req?.headers['x-wrenn-signature']).toBeUndefined();
    expect(req?.headers['webhook-signature']).toBeUndefined();
  });

  it('keeps the delivery id across retries', async () => {
    receiver = await startFakeWebhookReceiver();
    receiver.failNext({ status: 503 });
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toMatchObject({ kind: 'retry' });
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toMatchObject({ kind: 'ok' });
    expect(receiver.received.map((r) => r.request.headers['webhook-id'])).toEqual([DELIVERY, DELIVERY]);
  });

  it('retries a 429 after Retry-After seconds', async () => {
    receiver = await startFakeWebhookReceiver();
    receiver.failNext({ status: 429, headers: { 'retry-after': '7' }, body: 'slow down' });
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toEqual({
      kind: 'retry',
      statusCode: 429,
      reason: 'HTTP 429: slow down',
      retryAfterMs: 7000,
    });
  });

  it('retries a 429 after a Retry-After HTTP-date', async () => {
    receiver = await startFakeWebhookReceiver();
    const at = new Date(Date.now() + 120_000).toUTCString();
    receiver.failNext({ status: 429, headers: { 'retry-after': at } });
    const outcome = await webhookProvider.send(input({ url: receiver.url }), context);
    expect(outcome.kind).toBe('retry');
    const wait = outcome.kind === 'retry' ? (outcome.retryAfterMs ?? 0) : 0;
    expect(wait).toBeGreaterThan(110_000);
    expect(wait).toBeLessThanOrEqual(120_000);
  });

  it('retries a header-less 429 without a wait of its own', async () => {
    receiver = await startFakeWebhookReceiver();
    receiver.failNext({ status: 429 });
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toEqual({
      kind: 'retry',
      statusCode: 429,
      reason: 'HTTP 429',
    });
  });

  it('retries a 5xx, honouring a Retry-After it carries', async () => {
    receiver = await startFakeWebhookReceiver();
    receiver.failNext({ status: 500, body: { error: 'boom' } });
    receiver.failNext({ status: 503, headers: { 'retry-after': '30' } });
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toEqual({
      kind: 'retry',
      statusCode: 500,
      reason: 'HTTP 500: {"error":"boom"}',
    });
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toMatchObject({
      kind: 'retry',
      statusCode: 503,
      retryAfterMs: 30_000,
    });
  });

  it.each([400, 401, 403, 404, 422])('retries a %i (webhook 4xx are not permanent)', async (status) => {
    receiver = await startFakeWebhookReceiver();
    receiver.failNext({ status });
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toMatchObject({
      kind: 'retry',
      statusCode: status,
    });
  });

  it('does not follow a redirect and retries it', async () => {
    receiver = await startFakeWebhookReceiver();
    receiver.failNext({ status: 302, headers: { location: `${receiver.origin}/elsewhere` } });
    const outcome = await webhookProvider.send(input({ url: receiver.url }), context);
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 302 });
    expect(outcome.kind !== 'ok' && outcome.reason).toContain('redirects are not followed');
    expect(receiver.received).toHaveLength(1);
  });

  it('disables the channel at once on 410 Gone', async () => {
    receiver = await startFakeWebhookReceiver();
    receiver.failNext({ status: 410, body: 'gone' });
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toEqual({
      kind: 'permanent',
      statusCode: 410,
      reason: 'HTTP 410: gone (endpoint gone)',
      cause: 'destination',
      disableNow: true,
    });
  });

  it('retries when the receiver does not answer in time', async () => {
    receiver = await startFakeWebhookReceiver();
    receiver.hangNext();
    const started = Date.now();
    expect(await webhookProvider.send(input({ url: receiver.url }), context)).toEqual({
      kind: 'retry',
      statusCode: null,
      reason: 'no answer within 0.5 s',
      // What a destination's breaker counts.
      unanswered: true,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('retries when nothing listens', async () => {
    receiver = await startFakeWebhookReceiver();
    const url = receiver.url;
    await receiver.close();
    expect(await webhookProvider.send(input({ url }), context)).toMatchObject({
      kind: 'retry',
      statusCode: null,
      reason: 'network error ECONNREFUSED',
      unanswered: true,
    });
  });

  it('refuses a loopback target when private targets are not allowed', async () => {
    receiver = await startFakeWebhookReceiver();
    const guarded = loopbackContext({ allowPrivateTargets: false });
    try {
      const outcome = await webhookProvider.send(input({ url: receiver.url }), guarded);
      expect(outcome).toMatchObject({ kind: 'permanent', statusCode: null });
      expect(outcome.kind !== 'ok' && outcome.reason).toMatch(/127\.0\.0\.1 is not allowed/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });

  it('never puts the secret or a URL credential in a reason', async () => {
    const secret = generateWebhookSecret();
    receiver = await startFakeWebhookReceiver();
    // A receiver that echoes what it was sent, including a token in its URL.
    receiver.failNext({ status: 400, body: `bad secret ${secret} for ${receiver.origin}/h?token=abcdef123456` });
    const outcome = await webhookProvider.send(input({ url: `${receiver.url}?token=abcdef123456`, secret }), context);
    expect(outcome.kind).toBe('retry');
    const reason = outcome.kind === 'ok' ? '' : outcome.reason;
    expect(reason).not.toContain(secret.slice(6));
    expect(reason).not.toContain('abcdef123456');
  });
});

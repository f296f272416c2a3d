import { createHmac, timingSafeEqual } from 'node:crypto';
import { type ReceivedRequest, startFakeServer } from './fake-server';
import type { RateLimitsOption, RateRule } from './rate-limiter';
import { admit, limitersFor, tokenBucket } from './rate-limiter';
import {
  createResponseScript,
  type ResponseScript,
  type ScriptedResponse,
  scriptControls,
  writeScripted,
} from './scripted-responses';

/** A receiver that takes 20 requests per second (bursts of 20) and answers more with 429 + `Retry-After`. */
export const WEBHOOK_RATE_LIMITS: { perEndpoint: RateRule } = { perEndpoint: tokenBucket(20, 20) };

/** Whether a delivery's signatures checked out against the receiver's secret. */
export interface SignatureCheck {
  /** Standard Webhooks `webhook-signature` (any `v1,` entry matches). */
  standard: boolean;
  /** The platform's `X-WRENN-SIGNATURE: sha256=<hex>` over `timestamp + "." + body`. */
  wrenn: boolean;
  /** `webhook-timestamp` within 5 minutes of the receiver's clock. */
  timestampFresh: boolean;
}

export interface ReceivedWebhook {
  request: ReceivedRequest;
  /** The parsed JSON body, or `undefined` when it was not JSON. */
  payload: unknown;
  /** `null` when the receiver was started without a secret. */
  signatures: SignatureCheck | null;
  /** The status the receiver answered with (`null` when it hung). */
  answeredWith: number | null;
}

export interface FakeWebhookReceiver extends Omit<ResponseScript, 'take'> {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The URL to configure on a webhook channel. */
  url: string;
  /** Every request, in arrival order. */
  received: ReadonlyArray<ReceivedWebhook>;
  /** 429 answers sent so far, whether from the rate limits or scripted. */
  tooManyRequests(): number;
  /** When each request arrived (ms since the epoch), in order. */
  arrivals(): number[];
  /** Requests answered with 2xx. */
  delivered(): ReceivedWebhook[];
  /** Changes the secret used to verify later requests. */
  setSecret(secret: string | undefined): void;
  close(): Promise<void>;
}

export interface FakeWebhookOptions {
  /** Verify signatures with this secret (`whsec_…` or a plain string, as the service signs). */
  secret?: string;
  /** Path of `url`; default `/hooks/wrenn`. */
  path?: string;
  /** Normal answer when nothing is scripted; default 200 `{"received":true}`. */
  defaultResponse?: Exclude<ScriptedResponse, 'hang'>;
  /** Answer 401 when a secret is set and any signature fails to verify. */
  rejectInvalidSignatures?: boolean;
  /** Enforce {@link WEBHOOK_RATE_LIMITS} (or the rules given): 429 with `Retry-After`. Off by default. */
  rateLimits?: RateLimitsOption<typeof WEBHOOK_RATE_LIMITS>;
}

const TOLERANCE_S = 5 * 60;

function keyFor(secret: string): Buffer {
  if (secret.startsWith('whsec_')) {
    const decoded = Buffer.from(secret.slice('whsec_'.length), 'base64');
    if (decoded.length > 0) return decoded;
  }
  return Buffer.from(secret, 'utf8');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function header(req: ReceivedRequest, name: string): string {
  const value = req.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Checks both signature schemes with node:crypto, independently of the service's signing code. */
export function verifyWebhookSignatures(req: ReceivedRequest, secret: string, now = Date.now()): SignatureCheck {
  const key = keyFor(secret);
  const id = header(req, 'webhook-id');
  const unix = header(req, 'webhook-timestamp');
  const expectedStandard = createHmac('sha256', key).update(`${id}.${unix}.${req.body}`).digest('base64');
  const standard = header(req, 'webhook-signature')
    .split(' ')
    .some((entry) => entry.startsWith('v1,') && sameText(entry.slice(3), expectedStandard));
  const rfc3339 = header(req, 'x-wrenn-timestamp');
  const expectedWrenn = `sha256=${createHmac('sha256', key).update(`${rfc3339}.${req.body}`).digest('hex')}`;
  const wrenn = rfc3339 !== '' && sameText(header(req, 'x-wrenn-signature'), expectedWrenn);
  const timestampFresh = /^\d+$/.test(unix) && Math.abs(now / 1000 - Number(unix)) <= TOLERANCE_S;
  return { standard, wrenn, timestampFresh };
}

/**
 * A loopback webhook receiver: records every request, verifies signatures
 * when given a secret, and answers 200 unless told otherwise
 * (`failNext({status: 500}, 2)`, `failNext({status: 429, headers: {'retry-after': '3'}})`,
 * `failNext({status: 410})`, `hangNext()`).
 */
export async function startFakeWebhookReceiver(options: FakeWebhookOptions = {}): Promise<FakeWebhookReceiver> {
  const path = options.path ?? '/hooks/wrenn';
  const script = createResponseScript();
  const received: ReceivedWebhook[] = [];
  let secret = options.secret;
  const limits = limitersFor(options.rateLimits, WEBHOOK_RATE_LIMITS);

  function answerFor(req: ReceivedRequest, signatures: SignatureCheck | null): Exclude<ScriptedResponse, 'hang'> {
    if (req.method !== 'POST' || req.url.split('?')[0] !== path) return { status: 404, body: 'not found' };
    const admission = admit([[limits?.perEndpoint, path]]);
    if (!admission.ok) {
      return {
        status: 429,
        body: { error: 'too many requests' },
        headers: { 'retry-after': String(admission.retryAfterSeconds) },
      };
    }
    if (options.rejectInvalidSignatures && signatures && !(signatures.standard && signatures.wrenn)) {
      return { status: 401, body: { error: 'invalid signature' } };
    }
    return options.defaultResponse ?? { status: 200, body: { received: true } };
  }

  const server = await startFakeServer((req, res) => {
    let payload: unknown;
    try {
      payload = JSON.parse(req.body);
    } catch {
      payload = undefined;
    }
    const signatures = secret === undefined ? null : verifyWebhookSignatures(req, secret);
    const entry: ReceivedWebhook = { request: req, payload, signatures, answeredWith: null };
    received.push(entry);

    const scripted = script.take();
    if (scripted === 'hang') return;
    const answer = scripted ?? answerFor(req, signatures);
    entry.answeredWith = answer.status;
    writeScripted(res, answer);
  });

  return {
    origin: server.origin,
    url: `${server.origin}${path}`,
    received,
    tooManyRequests: () => received.filter((r) => r.answeredWith === 429).length,
    arrivals: () => received.map((r) => r.request.receivedAt),
    delivered: () => received.filter((r) => r.answeredWith !== null && r.answeredWith >= 200 && r.answeredWith < 300),
    setSecret(next) {
      secret = next;
    },
    ...scriptControls(script),
    close: server.close,
  };
}

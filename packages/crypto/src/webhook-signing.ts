import { createHmac, randomBytes } from 'node:crypto';
import { rfc3339 } from '@wrenn/events';

const WHSEC = 'whsec_';

/**
 * The key of a webhook channel's stored config holding the rotated-out secret
 * during its grace period, sealed like every value. The service sets it (a user
 * cannot: it is not an accepted key) and removes it once the period ends; it is
 * never listed among a channel's config fields.
 */
export const PREVIOUS_SECRET_KEY = 'previous_secret';

/** A new webhook secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks format). */
export function generateWebhookSecret(): string {
  return WHSEC + randomBytes(32).toString('base64');
}

/**
 * The HMAC key for a webhook secret: the decoded bytes of a `whsec_` secret,
 * otherwise the secret's UTF-8 bytes (as the platform signs, so its receivers keep verifying).
 */
export function webhookSigningKey(secret: string): Buffer {
  if (secret.startsWith(WHSEC)) {
    const decoded = Buffer.from(secret.slice(WHSEC.length), 'base64');
    if (decoded.length > 0) return decoded;
  }
  return Buffer.from(secret, 'utf8');
}

/** Shortest webhook secret a user may choose: a shorter HMAC key is a guess away. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
/** The key sizes a `whsec_` secret may decode to (Standard Webhooks: 24 to 64 bytes). */
export const WHSEC_KEY_BYTES = { min: 24, max: 64 } as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * What is wrong with a user-supplied webhook secret, or null when it makes a
 * good key: a `whsec_` secret must be base64 of 24–64 bytes (it is used as
 * those bytes), any other one at least 16 characters. The message never quotes the secret.
 */
export function webhookSecretProblem(secret: string): string | null {
  if (secret.startsWith(WHSEC)) {
    const encoded = secret.slice(WHSEC.length);
    const bytes = BASE64.test(encoded) ? Buffer.from(encoded, 'base64').length : -1;
    if (bytes < WHSEC_KEY_BYTES.min || bytes > WHSEC_KEY_BYTES.max) {
      return `must be whsec_ followed by the base64 of ${WHSEC_KEY_BYTES.min} to ${WHSEC_KEY_BYTES.max} random bytes`;
    }
    return null;
  }
  if ([...secret].length < MIN_WEBHOOK_SECRET_LENGTH) {
    return `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters (leave it out to have a strong one generated)`;
  }
  return null;
}

export interface WebhookSignatureInput {
  secret: string;
  /**
   * A rotated-out secret still in its grace period: `webhook-signature` then
   * carries its signature too, after the new one. `X-WRENN-SIGNATURE` never does: it holds one signature.
   */
  previousSecret?: string | undefined;
  deliveryId: string;
  /** The moment of signing; both header schemes are derived from it. */
  at: Date;
  body: string;
}

/** The Standard Webhooks signature of one secret, `v1,<base64>`. */
function standardSignature(secret: string, deliveryId: string, unix: string, body: string): string {
  const mac = createHmac('sha256', webhookSigningKey(secret)).update(`${deliveryId}.${unix}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/**
 * Both signature schemes: the platform's `X-WRENN-*` headers and Standard Webhooks.
 * During a rotation's grace period `webhook-signature` holds two
 * space-separated signatures, the new secret's first, so receivers holding
 * either secret verify; `X-WRENN-SIGNATURE` always uses the new secret.
 */
export function signWebhook(input: WebhookSignatureInput): Record<string, string> {
  const key = webhookSigningKey(input.secret);
  const timestamp = rfc3339(input.at);
  const unix = Math.floor(input.at.getTime() / 1000).toString();
  const wrennSignature = createHmac('sha256', key).update(`${timestamp}.${input.body}`).digest('hex');
  const signatures = [standardSignature(input.secret, input.deliveryId, unix, input.body)];
  if (input.previousSecret) {
    signatures.push(standardSignature(input.previousSecret, input.deliveryId, unix, input.body));
  }
  return {
    'X-Wrenn-Delivery': input.deliveryId,
    'X-Wrenn-Timestamp': timestamp,
    'X-WRENN-SIGNATURE': `sha256=${wrennSignature}`,
    'webhook-id': input.deliveryId,
    'webhook-timestamp': unix,
    'webhook-signature': signatures.join(' '),
  };
}

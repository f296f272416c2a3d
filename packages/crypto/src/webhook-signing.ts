import { createHmac, randomBytes } from 'node:crypto';

const WHSEC = 'whsec_';

/** A new webhook secret: `whsec_` + base64 of 32 random bytes (Standard Webhooks format). */
export function generateWebhookSecret(): string {
  return WHSEC + randomBytes(32).toString('base64');
}

/**
 * The HMAC key for a webhook secret: the decoded bytes of a `whsec_` secret,
 * otherwise the secret's UTF-8 bytes (the seed's behaviour).
 */
export function webhookSigningKey(secret: string): Buffer {
  if (secret.startsWith(WHSEC)) {
    const decoded = Buffer.from(secret.slice(WHSEC.length), 'base64');
    if (decoded.length > 0) return decoded;
  }
  return Buffer.from(secret, 'utf8');
}

export interface WebhookSignatureInput {
  secret: string;
  deliveryId: string;
  /** The moment of signing; both header schemes are derived from it. */
  at: Date;
  body: string;
}

/** Both signature schemes: the seed's `X-WRENN-*` headers and Standard Webhooks. */
export function signWebhook(input: WebhookSignatureInput): Record<string, string> {
  const key = webhookSigningKey(input.secret);
  const rfc3339 = `${input.at.toISOString().slice(0, 19)}Z`;
  const unix = Math.floor(input.at.getTime() / 1000).toString();
  const seed = createHmac('sha256', key).update(`${rfc3339}.${input.body}`).digest('hex');
  const standard = createHmac('sha256', key).update(`${input.deliveryId}.${unix}.${input.body}`).digest('base64');
  return {
    'X-Wrenn-Delivery': input.deliveryId,
    'X-Wrenn-Timestamp': rfc3339,
    'X-WRENN-SIGNATURE': `sha256=${seed}`,
    'webhook-id': input.deliveryId,
    'webhook-timestamp': unix,
    'webhook-signature': `v1,${standard}`,
  };
}

import { signWebhook } from '@wrenn/crypto';
import { type EventPayload, rfc3339 } from '@wrenn/events';

/** The webhook body: the event payload itself, byte for byte, nothing added. */
export function renderWebhookBody(event: EventPayload): string {
  return JSON.stringify(event);
}

export interface WebhookHeaderInput {
  deliveryId: string;
  body: string;
  /** Without a secret the delivery and timestamp headers are still sent, unsigned. */
  secret: string | undefined;
  /** A rotated-out secret in its grace period: `webhook-signature` carries its signature second. */
  previousSecret?: string | undefined;
  at: Date;
  userAgent: string;
}

/**
 * Request headers of a webhook delivery: content type, user agent, and both
 * signature schemes (the platform's `X-WRENN-*` and Standard Webhooks `webhook-*`).
 */
export function webhookHeaders(input: WebhookHeaderInput): Record<string, string> {
  const base = { 'Content-Type': 'application/json', 'User-Agent': input.userAgent };
  if (input.secret) {
    return {
      ...base,
      ...signWebhook({
        secret: input.secret,
        previousSecret: input.previousSecret,
        deliveryId: input.deliveryId,
        at: input.at,
        body: input.body,
      }),
    };
  }
  return {
    ...base,
    'X-Wrenn-Delivery': input.deliveryId,
    'X-Wrenn-Timestamp': rfc3339(input.at),
    'webhook-id': input.deliveryId,
    'webhook-timestamp': Math.floor(input.at.getTime() / 1000).toString(),
  };
}

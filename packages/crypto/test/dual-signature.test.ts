import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, webhookSigningKey } from '../src';

const body = JSON.stringify({ id: 'evt-1', event: 'host.down' });

describe('signing during a secret rotation', () => {
  it('puts both Standard Webhooks signatures in webhook-signature, the new secret first; either secret verifies', () => {
    const secret = generateWebhookSecret();
    const previousSecret = generateWebhookSecret();
    const stranger = generateWebhookSecret();
    const headers = signWebhook({ secret, previousSecret, deliveryId: 'dlv-9', at: new Date(), body });

    const signatures = (headers['webhook-signature'] as string).split(' ');
    expect(signatures).toHaveLength(2);
    const unix = headers['webhook-timestamp'];
    const expected = (s: string) =>
      `v1,${createHmac('sha256', webhookSigningKey(s)).update(`dlv-9.${unix}.${body}`).digest('base64')}`;
    expect(signatures).toEqual([expected(secret), expected(previousSecret)]);

    expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previousSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
  });

  it('signs X-WRENN-SIGNATURE with the new secret only', () => {
    const at = new Date('2026-04-09T11:06:06Z');
    const one = signWebhook({ secret: 'new-secret', deliveryId: 'dlv-9', at, body });
    const both = signWebhook({ secret: 'new-secret', previousSecret: 'old-secret', deliveryId: 'dlv-9', at, body });
    const wrennSignature = createHmac('sha256', 'new-secret').update(`2026-04-09T11:06:06Z.${body}`).digest('hex');
    expect(both['X-WRENN-SIGNATURE']).toBe(`sha256=${wrennSignature}`);
    expect(both['X-WRENN-SIGNATURE']).toBe(one['X-WRENN-SIGNATURE']);
    expect(one['webhook-signature']?.split(' ')).toHaveLength(1);
  });
});

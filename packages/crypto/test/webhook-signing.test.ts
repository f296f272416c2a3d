import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual, generateWebhookSecret, signWebhook, webhookSigningKey } from '../src';

const at = new Date('2026-04-09T11:06:06.789Z');
const body = JSON.stringify({ id: 'evt-1', event: 'capsule.created' });

describe('webhook signing', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(webhookSigningKey(secret)).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(secret);
  });

  it('signs the Standard Webhooks way, verifiable by the standardwebhooks library', () => {
    const secret = generateWebhookSecret();
    const now = new Date();
    const headers = signWebhook({ secret, deliveryId: 'dlv-1', at: now, body });
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(now.getTime() / 1000)));
    const verifier = new Webhook(secret);
    expect(() => verifier.verify(body, headers)).not.toThrow();
    expect(() => verifier.verify(`${body} `, headers)).toThrow();
  });

  it("signs the platform's X-WRENN-SIGNATURE over timestamp.body with the secret's UTF-8 bytes", () => {
    const headers = signWebhook({ secret: 'plain-secret', deliveryId: 'dlv-2', at, body });
    expect(headers['X-Wrenn-Timestamp']).toBe('2026-04-09T11:06:06Z');
    expect(headers['X-Wrenn-Delivery']).toBe('dlv-2');
    const expected = createHmac('sha256', Buffer.from('plain-secret', 'utf8'))
      .update(`2026-04-09T11:06:06Z.${body}`)
      .digest('hex');
    expect(headers['X-WRENN-SIGNATURE']).toBe(`sha256=${expected}`);
  });

  it('compares in constant time without confusing prefixes', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createSecretBox } from '@wrenn/crypto';
import { newId, parseId } from '@wrenn/events';
import { type FakeWebhookReceiver, startFakeWebhookReceiver } from '@wrenn/testing';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

// The stored format: each config value is base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag),
// AES-256-GCM under WRENN_ENCRYPTION_KEY. These tests use node:crypto, not the
// service's node-forge code, to produce and read that format.

function sealWithNode(keyHex: string, plaintext: string, nonce = randomBytes(12)): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('base64');
}

function openWithNode(keyHex: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keyHex, 'hex'), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}

describe('a fixed test vector', () => {
  const key = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
  const nonce = Buffer.from('cafebabefacedbaddecaf888', 'hex');
  const plaintext = 'https://discord.com/api/webhooks/123456789012345678/tökén';
  const expected = sealWithNode(key, plaintext, nonce);

  it('has the documented layout', () => {
    const raw = Buffer.from(expected, 'base64');
    expect(raw.subarray(0, 12)).toEqual(nonce);
    expect(raw.length).toBe(12 + Buffer.byteLength(plaintext) + 16);
  });

  it('opens with the secret box', () => {
    expect(createSecretBox({ key }).decrypt(expected)).toBe(plaintext);
  });

  it('is refused when any byte is altered', () => {
    const raw = Buffer.from(expected, 'base64');
    for (const index of [0, 12, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[index] = (tampered[index] ?? 0) ^ 1;
      expect(() => createSecretBox({ key }).decrypt(tampered.toString('base64'))).toThrow();
    }
  });

  it('the secret box seals values node:crypto opens, with a fresh nonce each time', () => {
    const box = createSecretBox({ key });
    const a = box.encrypt(plaintext);
    const b = box.encrypt(plaintext);
    expect(a).not.toBe(b);
    expect(openWithNode(key, a)).toBe(plaintext);
    expect(openWithNode(key, b)).toBe(plaintext);
  });
});

describe('channels in the database', () => {
  let api: TestApi;
  let receiver: FakeWebhookReceiver;

  beforeAll(async () => {
    api = await createTestApi();
  });
  beforeEach(async () => {
    receiver = await startFakeWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });
  afterAll(async () => {
    await api.close();
  });

  it('stores every config value in the platform format, readable with node:crypto', async () => {
    const token = await api.token();
    const channel = await createChannel(api, token, {
      provider: 'telegram',
      config: { bot_token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0', chat_id: '-1001234567890' },
    });
    const row = await api.deps.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', parseId('channel', channel.id) as string)
      .executeTakeFirstOrThrow();
    expect(Object.keys(row.config).sort()).toEqual(['bot_token', 'chat_id']);
    for (const sealed of Object.values(row.config)) {
      expect(sealed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(JSON.stringify(row.config)).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0');
    }
    expect(openWithNode(api.encryptionKey, row.config.bot_token as string)).toBe(
      '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0',
    );
    expect(openWithNode(api.encryptionKey, row.config.chat_id as string)).toBe('-1001234567890');
  });

  it('uses a channel row written with node:crypto (as the Go service would) unchanged', async () => {
    const teamId = newTeamId();
    const token = await api.token({ team_id: teamId });
    const secret = 'platform-written-webhook-secret';
    receiver.setSecret(secret);
    const { id, uuid } = newId('channel');
    await api.deps.db
      .insertInto('channels')
      .values({
        id: uuid,
        team_id: parseId('team', teamId) as string,
        name: 'from-the-platform',
        provider: 'webhook',
        config: JSON.stringify({
          url: sealWithNode(api.encryptionKey, receiver.url),
          secret: sealWithNode(api.encryptionKey, secret),
        }),
        event_types: ['capsule.created'],
      })
      .execute();

    const got = await request(api.app).get(`/v1/channels/${id}`).set(bearer(token));
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ name: 'from-the-platform', config_fields: ['secret', 'url'] });

    const sent = await request(api.app).post(`/v1/channels/${id}/test`).set(bearer(token));
    expect(sent.status).toBe(200);
    expect(receiver.received).toHaveLength(1);
    // Both signatures check out with the secret node:crypto sealed: the service opened it.
    expect(receiver.received[0]?.signatures).toMatchObject({ standard: true, wrenn: true });
  });
});

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox, openConfig, sealConfig } from '../src';

const key = randomBytes(32);
const box = createSecretBox({ key: key.toString('hex') });

describe('secret box (AES-256-GCM, base64(nonce ‖ ciphertext ‖ tag))', () => {
  it('opens a value sealed independently with node:crypto', () => {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const ct = Buffer.concat([cipher.update('https://discord.com/api/webhooks/1/tök€n', 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64');
    expect(box.decrypt(sealed)).toBe('https://discord.com/api/webhooks/1/tök€n');
  });

  it('seals values that node:crypto opens', () => {
    const raw = Buffer.from(box.encrypt('s3cret ✓'), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    expect(plain.toString('utf8')).toBe('s3cret ✓');
    expect(raw.length).toBe(12 + Buffer.byteLength('s3cret ✓') + 16);
  });

  it('uses a fresh nonce per value and rejects tampering or another key', () => {
    expect(box.encrypt('x')).not.toBe(box.encrypt('x'));
    const raw = Buffer.from(box.encrypt('value'), 'base64');
    raw[13] = (raw[13] ?? 0) ^ 1;
    expect(() => box.decrypt(raw.toString('base64'))).toThrow();
    const other = createSecretBox({ key: randomBytes(32).toString('hex') });
    expect(() => other.decrypt(box.encrypt('value'))).toThrow();
  });

  it('opens values of a previous key during rotation and seals with the new one', () => {
    const next = randomBytes(32).toString('hex');
    const rotating = createSecretBox({ key: next, previousKeys: [key.toString('hex')] });
    const old = box.encrypt('old');
    expect(rotating.decrypt(old)).toBe('old');
    expect(createSecretBox({ key: next }).decrypt(rotating.encrypt('new'))).toBe('new');
  });

  it('seals and opens whole configs value by value', () => {
    const sealed = sealConfig(box, { url: 'https://example.com/hook', secret: 'whsec_abc' });
    expect(Object.keys(sealed)).toEqual(['url', 'secret']);
    expect(JSON.stringify(sealed)).not.toContain('example.com');
    expect(openConfig(box, sealed)).toEqual({ url: 'https://example.com/hook', secret: 'whsec_abc' });
  });

  it('refuses a malformed key', () => {
    expect(() => createSecretBox({ key: 'xyz' })).toThrow('64 hex characters');
  });
});

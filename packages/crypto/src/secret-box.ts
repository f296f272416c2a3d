import forge from 'node-forge';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_HEX = /^[0-9a-fA-F]{64}$/;

/** Encrypts and decrypts stored config values (AES-256-GCM, node-forge). */
export interface SecretBox {
  /** base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag): the format the platform stores and reads. */
  encrypt(plaintext: string): string;
  /** Throws when the value was not sealed by one of the configured keys. */
  decrypt(sealed: string): string;
}

export function isEncryptionKey(hex: string): boolean {
  return KEY_HEX.test(hex);
}

/**
 * `key` seals new values; `previousKeys` still open values sealed before a key
 * rotation, so a rotation can re-encrypt while both keys are configured.
 */
export function createSecretBox(options: { key: string; previousKeys?: readonly string[] }): SecretBox {
  const keys = [options.key, ...(options.previousKeys ?? [])].map((hex) => {
    if (!isEncryptionKey(hex)) throw new Error('encryption key must be 64 hex characters');
    return forge.util.hexToBytes(hex);
  });
  const current = keys[0] as string;

  return {
    encrypt(plaintext) {
      const nonce = forge.random.getBytesSync(NONCE_BYTES);
      const cipher = forge.cipher.createCipher('AES-GCM', current);
      cipher.start({ iv: nonce, tagLength: TAG_BYTES * 8 });
      cipher.update(forge.util.createBuffer(forge.util.encodeUtf8(plaintext)));
      cipher.finish();
      const sealed = nonce + cipher.output.getBytes() + cipher.mode.tag.getBytes();
      return forge.util.encode64(sealed);
    },
    decrypt(sealed) {
      const raw = forge.util.decode64(sealed);
      if (raw.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed value is too short');
      const nonce = raw.slice(0, NONCE_BYTES);
      const ciphertext = raw.slice(NONCE_BYTES, raw.length - TAG_BYTES);
      const tag = raw.slice(raw.length - TAG_BYTES);
      for (const key of keys) {
        const decipher = forge.cipher.createDecipher('AES-GCM', key);
        decipher.start({ iv: nonce, tagLength: TAG_BYTES * 8, tag: forge.util.createBuffer(tag) });
        decipher.update(forge.util.createBuffer(ciphertext));
        if (decipher.finish()) return forge.util.decodeUtf8(decipher.output.getBytes());
      }
      throw new Error('sealed value does not open with the configured encryption keys');
    },
  };
}

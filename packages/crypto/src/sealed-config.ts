import type { SecretBox } from './secret-box';

/** Seals every value of a channel config (the stored JSONB map). */
export function sealConfig(box: SecretBox, config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, box.encrypt(value)]));
}

/** Opens every value of a stored channel config. Throws when a value does not open. */
export function openConfig(box: SecretBox, sealed: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(sealed).map(([key, value]) => [key, box.decrypt(value)]));
}

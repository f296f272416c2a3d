import { openConfig, type SecretBox } from '@wrenn/crypto';

export interface ConfigCache {
  /**
   * The decrypted config of a channel. Entries are keyed by channel id and
   * `updated_at`, so an edited or rotated channel is decrypted afresh.
   * Throws when the stored values do not open with the configured keys.
   */
  open(channelId: string, updatedAt: Date, sealed: Record<string, string>): Record<string, string>;
  readonly size: number;
}

/**
 * Decrypted channel configs kept in memory: node-forge opens a value about
 * twelve times slower than native code, and a busy channel is opened for every
 * delivery. Least recently used entries go first once `maxEntries` is reached.
 */
export function createConfigCache(options: { secrets: SecretBox; maxEntries?: number }): ConfigCache {
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, { version: number; config: Record<string, string> }>();

  return {
    open(channelId, updatedAt, sealed) {
      const version = updatedAt.getTime();
      const hit = entries.get(channelId);
      if (hit && hit.version === version) {
        entries.delete(channelId);
        entries.set(channelId, hit);
        return hit.config;
      }
      const config = openConfig(options.secrets, sealed);
      entries.delete(channelId);
      entries.set(channelId, { version, config });
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      return config;
    },
    get size() {
      return entries.size;
    },
  };
}

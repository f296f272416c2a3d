import { openConfig, type SecretBox } from '@wrenn/crypto';
import type { Uuid } from '@wrenn/events';
import { LRUCache } from 'lru-cache';

export interface ConfigCache {
  /**
   * The decrypted config of a channel. Entries are keyed by channel and
   * config version, so an edited or rotated channel is decrypted afresh.
   * Throws when the stored values do not open with the configured keys.
   */
  open(channelUuid: Uuid, configVersion: Date, sealed: Record<string, string>): Record<string, string>;
  readonly size: number;
}

export interface ConfigCacheOptions {
  secrets: SecretBox;
  /** Default 10,000; the least recently used entry goes first beyond it. */
  maxEntries?: number;
  /** How long a decrypted config is kept after it was opened; default 10 minutes. */
  ttlMs?: number;
  /** The clock the expiry reads (lru-cache's `perf`); tests move it by hand. */
  clock?: { now(): number };
}

/**
 * Decrypted channel configs kept in memory: node-forge opens a value about
 * twelve times slower than native code, and a busy channel is opened for every
 * delivery. An entry lives `ttlMs` from the moment it was opened, in use or
 * not, and is then dropped, so plaintext credentials do not stay in the
 * process for ever; a busy channel pays one decryption per period.
 */
export function createConfigCache(options: ConfigCacheOptions): ConfigCache {
  const entries = new LRUCache<Uuid, { version: number; config: Record<string, string> }>({
    max: options.maxEntries ?? 10_000,
    ttl: options.ttlMs ?? 10 * 60_000,
    // Expired entries are removed on their own timer, not only when next read.
    ttlAutopurge: true,
    ...(options.clock ? { perf: options.clock } : {}),
  });

  return {
    open(channelUuid, configVersion, sealed) {
      const version = configVersion.getTime();
      const hit = entries.get(channelUuid);
      if (hit && hit.version === version) return hit.config;
      const config = openConfig(options.secrets, sealed);
      entries.set(channelUuid, { version, config });
      return config;
    },
    get size() {
      return entries.size;
    },
  };
}

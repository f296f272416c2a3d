import calculateSlot from 'cluster-key-slot';

/** How the queues' keys are laid out in Redis. */
export interface QueueLayout {
  /** `WRENN_QUEUE_PREFIX`. */
  prefix: string;
  /** `WRENN_QUEUE_SHARDS`: deliveries queues, each channel in exactly one. */
  shards: number;
  /**
   * Each queue under a hash-tagged prefix of its own, so all of a queue's keys
   * share one cluster slot (BullMQ's scripts touch many keys at once) and the
   * queues spread over the masters. Off only for one shard on one server, whose
   * keys stay those of earlier releases.
   */
  hashTags: boolean;
}

/** The layout for a prefix and shard count; hash tags on a cluster or with several shards. */
export function queueLayout(prefix: string, shards = 1, cluster = false): QueueLayout {
  return { prefix, shards, hashTags: cluster || shards > 1 };
}

/** Redis Cluster's hash slots: a key's slot is CRC16 (XMODEM) of its hash tag, modulo this. */
export const CLUSTER_SLOTS = 16_384;

/**
 * The cluster slot of a key (of its `{hash tag}` when it has one), as Redis
 * computes it: the function ioredis itself routes commands with.
 */
export const clusterKeySlot: (key: string) => number = calculateSlot;

const tags = new Map<string, string>();

/**
 * The hash tag of shard `shard` of `shards`: `<prefix>:<shard>`, or the first
 * `<prefix>:<shard>.<n>` whose slot lies in the shard's share of the slot range
 * (shard i of N: slots i·16384/N up to (i+1)·16384/N). A cluster created with
 * its slots split evenly (what `redis-cli --cluster create` does) then has each
 * shard on a different master when there are as many shards as masters, and
 * spreads more shards evenly. Every process computes the same tags.
 */
export function shardTag(prefix: string, shard: number, shards: number): string {
  const memo = `${prefix}\n${shard}\n${shards}`;
  const known = tags.get(memo);
  if (known) return known;
  const low = Math.floor((shard * CLUSTER_SLOTS) / shards);
  const high = Math.floor(((shard + 1) * CLUSTER_SLOTS) / shards);
  let tag = `${prefix}:${shard}`;
  for (let n = 1; n < 1_000_000; n++) {
    const slot = clusterKeySlot(tag);
    if (slot >= low && slot < high) break;
    tag = `${prefix}:${shard}.${n}`;
  }
  tags.set(memo, tag);
  return tag;
}

/** The BullMQ prefix of the events (fan-out) queue. */
export function eventsPrefix(layout: QueueLayout): string {
  return layout.hashTags ? `{${layout.prefix}:events}` : layout.prefix;
}

/** The BullMQ prefix of one shard's deliveries queue. */
export function deliveriesPrefix(layout: QueueLayout, shard: number): string {
  return layout.hashTags ? `{${shardTag(layout.prefix, shard, layout.shards)}}` : layout.prefix;
}

/**
 * The shard of a channel: FNV-1a (32 bit) of its id, modulo the shard count.
 * Stable across processes and releases: a channel's drain, and so its order,
 * stays in one shard.
 */
export function shardOf(channelId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < channelId.length; i++) hash = Math.imul(hash ^ channelId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

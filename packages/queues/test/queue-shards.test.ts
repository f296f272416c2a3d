import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CLUSTER_SLOTS,
  clusterKeySlot,
  deliveriesPrefix,
  eventsPrefix,
  queueLayout,
  shardOf,
  shardTag,
} from '../src/queue-shards';

describe('queue layout', () => {
  it('keeps the bare prefix for one shard on one server, as earlier releases keyed it', () => {
    const layout = queueLayout('wrenn');
    expect(layout).toEqual({ prefix: 'wrenn', shards: 1, hashTags: false });
    expect(eventsPrefix(layout)).toBe('wrenn');
    expect(deliveriesPrefix(layout, 0)).toBe('wrenn');
  });

  it('gives every queue a hash tag of its own on a cluster or with several shards', () => {
    expect(eventsPrefix(queueLayout('wrenn', 1, true))).toBe('{wrenn:events}');
    const three = queueLayout('wrenn', 3);
    const prefixes = [0, 1, 2].map((shard) => deliveriesPrefix(three, shard));
    for (const prefix of prefixes) expect(prefix).toMatch(/^\{wrenn:\d(\.\d+)?\}$/);
    expect(new Set(prefixes).size).toBe(3);
  });
});

describe('cluster key slots', () => {
  it('is the slot Redis computes (CRC16/XMODEM modulo 16384), hash tags included', () => {
    // The CRC16/XMODEM check value of "123456789" is 0x31C3.
    expect(clusterKeySlot('123456789')).toBe(0x31c3);
    // Slots Redis reports with CLUSTER KEYSLOT.
    expect(clusterKeySlot('foo')).toBe(12182);
    expect(clusterKeySlot('bar')).toBe(5061);
    // A key with a hash tag lies in its tag's slot.
    expect(clusterKeySlot('{foo}:wait')).toBe(12182);
  });

  it.each([1, 2, 3, 4, 7])('puts each of %i shards in its own share of the slot range', (shards) => {
    for (const prefix of ['wrenn', 'acme-prod', 'test-0a1b2c3d4e']) {
      for (let shard = 0; shard < shards; shard++) {
        const slot = clusterKeySlot(shardTag(prefix, shard, shards));
        expect(slot).toBeGreaterThanOrEqual(Math.floor((shard * CLUSTER_SLOTS) / shards));
        expect(slot).toBeLessThan(Math.floor(((shard + 1) * CLUSTER_SLOTS) / shards));
      }
    }
  });
});

describe('channel → shard', () => {
  it('is stable: the same channel id always lands in the same shard', () => {
    // Fixed values: changing the hash would move channels between shards on upgrade.
    expect(shardOf('ch-0000000000000000000000', 3)).toBe(shardOf('ch-0000000000000000000000', 3));
    expect([shardOf('ch-a', 3), shardOf('ch-b', 3), shardOf('ch-c', 7), shardOf('', 5)]).toEqual([2, 2, 4, 1]);
    expect(shardOf('ch-anything', 1)).toBe(0);
  });

  it('spreads channel ids evenly', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i++) {
      const shard = shardOf(`ch-${randomBytes(16).toString('hex')}`, 3);
      counts[shard] = (counts[shard] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });
});

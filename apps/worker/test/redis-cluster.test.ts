import { randomBytes } from 'node:crypto';
import { type ChannelId, formatId, newId, type Uuid } from '@wrenn/events';
import { clusterKeySlot, deliveriesPrefix, eventsPrefix } from '@wrenn/queues';
import {
  type AppProcess,
  clusterInfo,
  type FakeWebhookReceiver,
  freePort,
  type RedisClusterProcess,
  spawnWorker,
  startApp,
  startFakeWebhookReceiver,
  startPrivateRedisCluster,
  testRedisClusterNodes,
  type WorkerProcess,
  waitFor,
  waitForStatus,
} from '@wrenn/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadWorkerEnv } from '../src/env';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

/** A pipeline on a cluster with three shards, closed after the test. */
async function clusterPipeline(seeds: string, options: Parameters<typeof createPipeline>[0] = {}): Promise<Pipeline> {
  const pipeline = await createPipeline({ clusterNodes: seeds, queueShards: 3, ...options });
  cleanups.push(() => pipeline.close());
  return pipeline;
}

/** Webhook channels of one team, with a receiver each, until every shard has at least `perShard`. */
async function channelsOnEveryShard(pipeline: Pipeline, team: string, perShard: number) {
  const channels: Array<{ id: ChannelId; uuid: Uuid; shard: number; receiver: FakeWebhookReceiver }> = [];
  const count = (shard: number) => channels.filter((c) => c.shard === shard).length;
  while ([0, 1, 2].some((shard) => count(shard) < perShard)) {
    const receiver = await startFakeWebhookReceiver();
    cleanups.push(() => receiver.close());
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: receiver.url },
      events: ['host.down'],
    });
    channels.push({ ...channel, shard: pipeline.producerQueues.shardOf(channel.id), receiver });
  }
  return channels;
}

/** Which master (by port) serves a slot, from `CLUSTER SLOTS`. */
async function slotOwner(seedPort: number, slot: number): Promise<number> {
  const redis = new Redis(seedPort, '127.0.0.1');
  try {
    const ranges = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, string]]>;
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`slot ${slot} is not served`);
    return range[2][1];
  } finally {
    redis.disconnect();
  }
}

/** What a refused environment writes to stderr before exiting. */
function captureExit(load: () => unknown): string {
  let written = '';
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    written += String(text);
    return true;
  });
  const exit = vi.spyOn(process, 'exit').mockImplementation(() => {
    throw new Error('exit');
  });
  try {
    load();
  } catch {
    // The stand-in for process.exit.
  } finally {
    write.mockRestore();
    exit.mockRestore();
  }
  return written;
}

function seedPorts(seeds: string): number[] {
  return seeds.split(',').map((seed) => Number(seed.split(':')[1]));
}

/** Every delivery of these channels succeeded, `events` per channel. */
async function allDelivered(pipeline: Pipeline, channels: ReadonlyArray<{ uuid: string }>, events: number) {
  for (const channel of channels) {
    const rows = await pipeline.deliveriesOf(channel.uuid);
    if (rows.length !== events || rows.some((row) => row.status !== 'succeeded')) return false;
  }
  return true;
}

describe('on a Redis Cluster of three masters', () => {
  it('delivers end to end with three shards: API ingest, two worker processes sharing the shards, webhook receivers', {
    timeout: 120_000,
  }, async () => {
    const seeds = testRedisClusterNodes();
    const pipeline = await clusterPipeline(seeds);
    const team = newId('team').id;
    const channels = await channelsOnEveryShard(pipeline, team, 4);

    const internalToken = randomBytes(24).toString('hex');
    const apiPort = await freePort();
    const api: AppProcess = startApp('apps/api/src/main.ts', {
      PATH: process.env.PATH,
      DATABASE_URL: pipeline.databaseUrl,
      ...pipeline.redisEnv,
      WRENN_QUEUE_PREFIX: pipeline.queuePrefix,
      WRENN_ENCRYPTION_KEY: pipeline.encryptionKey,
      WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
      WRENN_INTERNAL_TOKEN: internalToken,
      WRENN_ALLOW_PRIVATE_TARGETS: 'true',
      PORT: String(apiPort),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    cleanups.push(async () => {
      api.child.kill('SIGTERM');
      await api.exited;
    });
    const workers: WorkerProcess[] = [];
    for (let i = 0; i < 2; i++) {
      const worker = await spawnWorker(pipeline);
      workers.push(worker);
      cleanups.push(async () => {
        worker.child.kill('SIGTERM');
        await worker.exited;
      });
    }
    // /ready pings every master of the cluster.
    await waitForStatus(`http://127.0.0.1:${apiPort}/ready`, 200, 30_000);

    // In rounds, so drains end and start again and both workers get some of them.
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const res = await fetch(`http://127.0.0.1:${apiPort}/internal/v1/audit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(lifecycleEntry(team, 'host', 'marked_down')),
      });
      expect(res.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await waitFor(() => allDelivered(pipeline, channels, rounds), { timeoutMs: 60_000, intervalMs: 200 });

    for (const channel of channels) {
      // Each event once per channel, in ingest order.
      const ids = channel.receiver.delivered().map((r) => r.request.headers['webhook-id']);
      const rows = await pipeline.deliveriesOf(channel.uuid);
      expect([...new Set(ids)]).toEqual(rows.map((row) => formatId('delivery', row.id)));
    }
    const counted = await Promise.all(workers.map((worker) => worker.attemptsCounted()));
    expect(counted.every((n) => n > 0)).toBe(true);
    expect(counted.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(channels.length * rounds);

    // Where the queues' keys are: each shard's under its tag, the tag's slot as Redis computes it,
    // on the master serving that slot; the three shards on three different masters.
    const [seedPort] = seedPorts(seeds) as [number];
    const probe = new Redis(seedPort, '127.0.0.1');
    cleanups.push(async () => probe.disconnect());
    const layout = pipeline.producerQueues.layout;
    /** The master holding a key, found from its slot; the key must be there. */
    const masterOf = async (key: string, tag: string) => {
      const slot = Number(await probe.call('CLUSTER', 'KEYSLOT', key));
      expect(slot).toBe(clusterKeySlot(tag));
      const owner = await slotOwner(seedPort, slot);
      const node = new Redis(owner, '127.0.0.1');
      try {
        expect(await node.exists(key)).toBe(1);
      } finally {
        node.disconnect();
      }
      return owner;
    };
    const owners: number[] = [];
    for (const prefix of [0, 1, 2].map((shard) => deliveriesPrefix(layout, shard))) {
      owners.push(await masterOf(`${prefix}:wrenn-deliveries:meta`, prefix.slice(1, -1)));
    }
    expect(new Set(owners).size).toBe(3);
    const events = eventsPrefix(layout);
    await masterOf(`${events}:wrenn-events:meta`, events.slice(1, -1));
  });
});

describe('WRENN_WORKER_SHARDS', () => {
  it('a worker given some shards drains only those; another takes the rest', { timeout: 60_000 }, async () => {
    const pipeline = await clusterPipeline(testRedisClusterNodes());
    const team = newId('team').id;
    const channels = await channelsOnEveryShard(pipeline, team, 2);
    const mine = channels.filter((c) => c.shard !== 1);
    const others = channels.filter((c) => c.shard === 1);

    pipeline.startWorker({ consumeShards: [0, 2] });
    await pipeline.audit.record([lifecycleEntry(team, 'host', 'marked_down')]);
    await waitFor(() => allDelivered(pipeline, mine, 1), { timeoutMs: 20_000 });
    // Shard 1's channels have their drain waiting in shard 1's queue, untouched.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const channel of others) {
      expect((await pipeline.deliveriesOf(channel.uuid)).map((row) => row.status)).toEqual(['pending']);
      expect(await pipeline.producerQueues.deliveriesFor(channel.id).getJobState(channel.id)).toBe('waiting');
      expect(channel.receiver.received).toHaveLength(0);
    }

    pipeline.startWorker({ consumeShards: [1] });
    await waitFor(() => allDelivered(pipeline, others, 1), { timeoutMs: 20_000 });
  });

  it('refuses a shard beyond WRENN_QUEUE_SHARDS', () => {
    const base = { DATABASE_URL: 'postgres://x', REDIS_URL: 'redis://x', WRENN_ENCRYPTION_KEY: '0'.repeat(64) };
    expect(
      loadWorkerEnv({ ...base, WRENN_QUEUE_SHARDS: '3', WRENN_WORKER_SHARDS: '2, 0' }).WRENN_WORKER_SHARDS,
    ).toEqual([0, 2]);
    const exits = captureExit(() => loadWorkerEnv({ ...base, WRENN_QUEUE_SHARDS: '3', WRENN_WORKER_SHARDS: '0,3' }));
    expect(exits).toBe('WRENN_WORKER_SHARDS lists shard 3, but WRENN_QUEUE_SHARDS=3 makes shards 0 to 2\n');
    expect(captureExit(() => loadWorkerEnv({ ...base, WRENN_WORKER_SHARDS: '0,0' }))).toBe(
      'WRENN_WORKER_SHARDS must be distinct shard indexes like 0,2\n',
    );
  });
});

describe('a master killed and restarted', () => {
  it('loses no acknowledged event: what its queues held comes back through the outbox relay', {
    timeout: 120_000,
  }, async () => {
    const cluster: RedisClusterProcess = await startPrivateRedisCluster();
    cleanups.push(() => cluster.close());
    const pipeline = await clusterPipeline(cluster.seeds, { lockMs: 1_000, providerSettings: { timeoutMs: 1_000 } });
    const team = newId('team').id;
    const channels = await channelsOnEveryShard(pipeline, team, 1);
    pipeline.startWorker();

    // The master holding the events queue: events acknowledged just before it dies are in its queue only.
    const tag = eventsPrefix(pipeline.producerQueues.layout).slice(1, -1);
    const [seedPort] = seedPorts(cluster.seeds) as [number];
    const victimPort = await slotOwner(seedPort, clusterKeySlot(tag));
    const victim = cluster.nodes.find((node) => node.port === victimPort);
    if (!victim) throw new Error('no node serves the events queue');

    const acknowledged: string[] = [];
    let slowest = 0;
    const record = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const started = Date.now();
        const { eventIds } = await pipeline.audit.record([lifecycleEntry(team, 'host', 'marked_down')]);
        slowest = Math.max(slowest, Date.now() - started);
        acknowledged.push(...eventIds);
      }
    };
    await record(3);
    await victim.stop();
    // While it is down: ingest still answers (the rows are in PostgreSQL), the enqueue fails.
    await record(3);
    expect(slowest).toBeLessThan(2_000);
    await victim.start();
    await waitFor(
      () => clusterInfo(victim.port).includes('cluster_state:ok') && clusterInfo(seedPort).includes('cluster_state:ok'),
      { timeoutMs: 20_000 },
    );
    await record(2);

    expect(acknowledged).toHaveLength(8);
    await waitFor(() => allDelivered(pipeline, channels, acknowledged.length), { timeoutMs: 60_000, intervalMs: 250 });
    for (const channel of channels) {
      const ids = new Set(channel.receiver.delivered().map((r) => r.request.headers['webhook-id']));
      expect(ids.size).toBe(acknowledged.length);
    }
  });
});

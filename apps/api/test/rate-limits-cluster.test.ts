import { clusterKeySlot, createProducerConnection, type RedisConnection } from '@wrenn/queues';
import { clusterNodes, createMetricsRegistry, redisTarget } from '@wrenn/runtime';
import { type FakeWebhookReceiver, startFakeWebhookReceiver, testRedisClusterNodes } from '@wrenn/testing';
import type { Cluster } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { bearer } from './support/channel-fixtures';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

let api: TestApi;
let cluster: Cluster;
let app: ReturnType<typeof createApp>;
let receiver: FakeWebhookReceiver;

beforeAll(async () => {
  api = await createTestApi();
  receiver = await startFakeWebhookReceiver();
  const target = redisTarget({ WRENN_REDIS_CLUSTER_NODES: clusterNodes.parse(testRedisClusterNodes()) });
  cluster = createProducerConnection(target) as Cluster;
  cluster.on('error', () => {});
  await new Promise((resolve) => cluster.once('ready', resolve));
  app = createApp({ ...api.deps, redis: cluster as RedisConnection, metrics: createMetricsRegistry('api') });
});
afterAll(async () => {
  cluster.disconnect();
  await receiver.close();
  await api.close();
});

const testSend = (token: string) =>
  request(app)
    .post('/v1/channels/test')
    .set(bearer(token))
    .send({ provider: 'webhook', config: { url: receiver.url } });

/** The port of the master serving a slot. */
async function masterOf(slot: number): Promise<number> {
  const ranges = (await cluster.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`slot ${slot} is not served`);
  return range[2][1];
}

describe('rate limits on a Redis Cluster', () => {
  it('limits each team to 10 test sends, whichever master holds its count, also after the scripts are flushed', async () => {
    const teams: Array<{ token: string; master: number }> = [];
    const masters = new Set<number>();
    // Teams until their counts sit on at least two masters.
    while (masters.size < 2 || teams.length < 3) {
      const teamId = newTeamId();
      const token = await api.token({ team_id: teamId });
      const master = await masterOf(clusterKeySlot(`${api.queuePrefix}:rate:test_sends:${teamId}`));
      teams.push({ token, master });
      masters.add(master);
    }
    for (const [index, team] of teams.entries()) {
      // A failover to a replica, or a restarted master, forgets loaded scripts.
      if (index === 1) await Promise.all(cluster.nodes('master').map((node) => node.call('SCRIPT', 'FLUSH')));
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await testSend(team.token)).status);
      expect(statuses, `team on master ${team.master}`).toEqual([...Array(10).fill(200), 429, 429]);
    }
  });
});

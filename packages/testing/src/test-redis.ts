import { randomBytes } from 'node:crypto';

/** A BullMQ key prefix of its own for each test, so tests share one Redis without seeing each other. */
export function uniqueQueuePrefix(): string {
  return `test-${randomBytes(5).toString('hex')}`;
}

export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL must be set (run through npm test)');
  return url;
}

/** The seed nodes of the test command's Redis Cluster (`host:port,…`). */
export function testRedisClusterNodes(): string {
  const nodes = process.env.WRENN_TEST_REDIS_CLUSTER_NODES;
  if (!nodes) throw new Error('WRENN_TEST_REDIS_CLUSTER_NODES must be set (run through npm test)');
  return nodes;
}

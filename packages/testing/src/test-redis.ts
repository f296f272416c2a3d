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

// Child process: adds N no-op jobs as fast as BullMQ allows and prints when it started.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const [, , queueName = 'bare', countText = '20000'] = process.argv;
const count = Number(countText);
const connection = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
const queue = new Queue(queueName, { connection, prefix: 'bench' });
const startedAt = Date.now();
const chunk = 1000;
for (let i = 0; i < count; i += chunk) {
  const size = Math.min(chunk, count - i);
  await queue.addBulk(
    Array.from({ length: size }, (_, k) => ({
      name: 'noop',
      data: { n: i + k },
      opts: { removeOnComplete: true, removeOnFail: true },
    })),
  );
}
process.stdout.write(`${JSON.stringify({ startedAt, addedAt: Date.now() })}\n`);
await queue.close();
connection.disconnect();

// Child process: completes N no-op jobs and prints when the last one finished.
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [, , queueName = 'bare', countText = '20000', concurrencyText = '64'] = process.argv;
const count = Number(countText);
const connection = new Redis(process.env.REDIS_URL as string, { maxRetriesPerRequest: null });
let done = 0;
const worker = new Worker(queueName, async () => {}, {
  connection,
  prefix: 'bench',
  concurrency: Number(concurrencyText),
});
worker.on('completed', () => {
  done += 1;
  if (done === count) {
    process.stdout.write(`${JSON.stringify({ finishedAt: Date.now() })}\n`);
    void worker.close().then(() => {
      connection.disconnect();
      process.exit(0);
    });
  }
});
await worker.waitUntilReady();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newId } from '@wrenn/events';
import { createMetricsRegistry } from '@wrenn/runtime';
import { holdsFor, type RedisProcess, startFakeWebhookReceiver, startPrivateRedis, waitFor } from '@wrenn/testing';
import { sql } from 'kysely';
import { afterAll, expect, it } from 'vitest';
import { createOpsServer } from '../src/ops/ops-server';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

let redis: RedisProcess | undefined;
let pipeline: Pipeline | undefined;
let ops: Server | undefined;

afterAll(async () => {
  ops?.close();
  await pipeline?.close();
  await redis?.stop();
});

async function readyStatus(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(5_000) })).status;
}

it('events acknowledged while Redis is stopped are all delivered once it is back', { timeout: 60_000 }, async () => {
  redis = await startPrivateRedis();
  pipeline = await createPipeline({ redisUrl: redis.url });
  const p = pipeline;
  const receiver = await startFakeWebhookReceiver();
  try {
    const worker = p.startWorker();
    ops = createOpsServer({
      metrics: createMetricsRegistry('worker'),
      checks: { postgres: () => sql`select 1`.execute(p.db), redis: () => worker.redis.ping() },
    });
    await new Promise<void>((resolve) => ops?.listen(0, '127.0.0.1', resolve));
    const port = (ops.address() as AddressInfo).port;
    await waitFor(async () => (await readyStatus(port)) === 200, { timeoutMs: 10_000 });

    const team = newId('team').id;
    const channel = await p.createChannel({ teamId: team, config: { url: receiver.url }, events: ['host.down'] });

    await redis.stop();
    expect(await readyStatus(port)).toBe(503);
    // The ingestion path: audit rows and outbox events commit; the enqueue fails fast.
    const started = Date.now();
    const { eventIds } = await p.audit.record(
      Array.from({ length: 20 }, () => lifecycleEntry(team, 'host', 'marked_down')),
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(eventIds).toHaveLength(20);
    const pending = await p.db.selectFrom('outbox').select('event_id').execute();
    expect(pending).toHaveLength(20);
    // With Redis down nothing is enqueued, so nothing may be sent while we watch.
    await holdsFor(() => receiver.received.length === 0, {
      forMs: 1_500,
      message: 'a request was sent while Redis was down',
    });
    expect(receiver.received).toHaveLength(0);

    await redis.start();
    const rows = await waitFor(
      async () => {
        const all = await p.deliveriesOf(channel.uuid);
        return all.length === 20 && all.every((d) => d.status === 'succeeded') ? all : null;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(rows).toHaveLength(20);
    const delivered = new Set(receiver.delivered().map((r) => (r.payload as { id: string }).id));
    expect(delivered).toEqual(new Set(eventIds));
    await waitFor(async () => (await readyStatus(port)) === 200, { timeoutMs: 10_000 });
  } finally {
    await receiver.close();
  }
});

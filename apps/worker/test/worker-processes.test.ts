import { formatId, newId } from '@wrenn/events';
import { type FakeServer, spawnWorker, startFakeServer, type WorkerProcess, waitFor } from '@wrenn/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pipeline: Pipeline | undefined;
let receiver: FakeServer | undefined;
const workers: WorkerProcess[] = [];

afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await worker.exited;
  }
  await pipeline?.close();
  await receiver?.close();
});

/** A receiver answering 200 after `delayMs`, so deliveries are in flight for a while. */
function slowReceiver(delayMs: number) {
  return startFakeServer(async (_req, res) => {
    await sleep(delayMs);
    res.writeHead(200).end('ok');
  });
}

async function setUp(events: number, receiverDelayMs: number, channelCount = 1) {
  pipeline = await createPipeline();
  receiver = await slowReceiver(receiverDelayMs);
  const team = newId('team').id;
  const p = pipeline;
  const channels = await Promise.all(
    Array.from({ length: channelCount }, (_, i) =>
      p.createChannel({
        teamId: team,
        config: { url: `${(receiver as FakeServer).origin}/hook/${i}` },
        events: ['capsule.created'],
      }),
    ),
  );
  const entries = Array.from({ length: events }, () => lifecycleEntry(team, 'sandbox', 'create'));
  return { team, channel: channels[0] as { uuid: string }, channels, entries };
}

async function allSucceeded(p: Pipeline, channelUuid: string, expected: number) {
  const rows = await p.deliveriesOf(channelUuid);
  return rows.length === expected && rows.every((r) => r.status === 'succeeded') ? rows : null;
}

describe('worker processes', () => {
  it('a worker killed with SIGKILL mid-delivery loses nothing once one is running again', {
    timeout: 60_000,
  }, async () => {
    const { channel, entries } = await setUp(30, 300);
    const p = pipeline as Pipeline;
    const r = receiver as FakeServer;
    const first = await spawnWorker(p, { WRENN_WORKER_CONCURRENCY: '4' });
    workers.push(first);
    await p.audit.record(entries);

    await waitFor(() => r.received.length >= 6, { timeoutMs: 20_000 });
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const delivering = await p.deliveriesOf(channel.uuid);
    expect(delivering.filter((d) => d.status !== 'succeeded').length).toBeGreaterThan(0);

    workers.push(await spawnWorker(p, { WRENN_WORKER_CONCURRENCY: '8' }));
    const rows = await waitFor(() => allSucceeded(p, channel.uuid, 30), { timeoutMs: 40_000, intervalMs: 200 });

    const deliveryIds = new Set(rows.map((d) => formatId('delivery', d.id)));
    const receivedIds = r.received.map((req) => req.headers['webhook-id'] as string);
    // Every delivery arrived; any duplicate is a resend of the same delivery id.
    expect(new Set(receivedIds)).toEqual(deliveryIds);
    console.log(`SIGKILL: ${receivedIds.length} requests for ${deliveryIds.size} deliveries`);
  });

  it('two worker processes share the load and no delivery is processed by both', { timeout: 60_000 }, async () => {
    // 25 events to 8 channels: 200 deliveries, one drain per channel at a time.
    const { channels, entries } = await setUp(25, 20, 8);
    const p = pipeline as Pipeline;
    const r = receiver as FakeServer;
    const pair = await Promise.all([
      spawnWorker(p, { WRENN_WORKER_CONCURRENCY: '2' }),
      spawnWorker(p, { WRENN_WORKER_CONCURRENCY: '2' }),
    ]);
    workers.push(...pair);
    await p.audit.record(entries);

    const perChannel = await waitFor(
      async () => {
        const all = await Promise.all(channels.map((c) => allSucceeded(p, c.uuid, 25)));
        return all.every((rows) => rows !== null) ? all : null;
      },
      { timeoutMs: 40_000, intervalMs: 200 },
    );
    const rows = perChannel.flatMap((c) => c ?? []);
    const receivedIds = r.received.map((req) => req.headers['webhook-id'] as string);
    expect(receivedIds).toHaveLength(200);
    expect(new Set(receivedIds)).toEqual(new Set(rows.map((d) => formatId('delivery', d.id))));
    expect(rows.every((d) => d.attempts === 1)).toBe(true);

    const [a, b] = await Promise.all(pair.map((w) => w.attemptsCounted()));
    expect((a as number) + (b as number)).toBe(200);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    console.log(`two workers: ${a} and ${b} deliveries`);
  });

  it('SIGTERM lets in-flight deliveries finish, then exits cleanly', { timeout: 60_000 }, async () => {
    const { channel, entries } = await setUp(6, 1_500);
    const p = pipeline as Pipeline;
    const r = receiver as FakeServer;
    const worker = await spawnWorker(p, { WRENN_WORKER_CONCURRENCY: '3' });
    workers.push(worker);
    await p.audit.record(entries);
    await waitFor(() => r.received.length >= 3, { timeoutMs: 20_000 });

    const stopAt = Date.now();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(30_000);
    // What was in flight finished; nothing is left half-done.
    const rows = await p.deliveriesOf(channel.uuid);
    const answered = new Set(r.received.map((req) => req.headers['webhook-id']));
    for (const row of rows) {
      if (answered.has(formatId('delivery', row.id))) expect(row.status).toBe('succeeded');
    }
    // The rest waits in the queue for the next worker.
    workers.push(await spawnWorker(p));
    await waitFor(() => allSucceeded(p, channel.uuid, 6), { timeoutMs: 20_000, intervalMs: 200 });
  });
});

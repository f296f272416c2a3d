import { formatId, newId } from '@wrenn/events';
import { spawnWorker, startFakeServer, type WorkerProcess, waitFor } from '@wrenn/testing';
import { afterEach, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
const workers: WorkerProcess[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
    await worker.exited;
  }
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a worker killed with a wide window of requests out loses nothing; resends carry the same delivery ids', {
  timeout: 90_000,
}, async () => {
  // Quick answers widen the window; then requests are held until the worker is killed.
  let hold = false;
  let held = 0;
  const ids: string[] = [];
  const server = await startFakeServer((req, res) => {
    ids.push(String(req.headers['webhook-id']));
    if (hold) {
      held++;
      return;
    }
    res.writeHead(200).end();
  });
  cleanups.push(() => server.close());
  const pipeline = await createPipeline();
  cleanups.push(() => pipeline.close());
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    config: { url: `${server.origin}/hook` },
    events: ['capsule.created'],
  });
  const env = { WRENN_PROVIDER_TIMEOUT: '3s', WRENN_JOB_LOCK_MS: '1000', WRENN_RELAY_INTERVAL: '1s' };
  const first = await spawnWorker(pipeline, env);
  workers.push(first);

  for (let i = 0; i < 3; i++) {
    await pipeline.audit.record(Array.from({ length: 100 }, () => lifecycleEntry(team, 'sandbox', 'create')));
  }
  await waitFor(() => ids.length >= 200, { timeoutMs: 30_000 });
  hold = true;
  // Several requests out at once when the worker dies.
  await waitFor(() => held >= 4, { timeoutMs: 10_000 });
  first.child.kill('SIGKILL');
  await first.exited;
  const heldAtKill = held;
  hold = false;
  workers.push(await spawnWorker(pipeline, env));

  const rows = await waitFor(
    async () => {
      const all = await pipeline.deliveriesOf(channel.uuid);
      return all.length === 300 && all.every((r) => r.status === 'succeeded') ? all : null;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  // Every delivery arrived; what was sent twice went under its own delivery id both times.
  const deliveryIds = new Set(rows.map((r) => formatId('delivery', r.id)));
  expect(new Set(ids)).toEqual(deliveryIds);
  expect(ids.length).toBeGreaterThan(deliveryIds.size);
  console.log(`killed with ${heldAtKill} requests out: ${ids.length} requests for ${deliveryIds.size} deliveries`);
});

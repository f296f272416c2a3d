import { formatId, newId, requeueDelivery } from '@wrenn/events';
import { startFakeServer, waitFor } from '@wrenn/testing';
import { afterEach, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry } from './support/pipeline';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it("a redelivery wins over the earlier generation's attempt that answers late", async () => {
  // The first request is answered late, and with a failure; every later one succeeds at once.
  let requests = 0;
  const destination = await startFakeServer((_req, res) => {
    requests++;
    if (requests === 1) {
      setTimeout(() => res.writeHead(500).end('late failure'), 1_500);
      return;
    }
    res.writeHead(200).end('{}');
  });
  cleanups.push(() => destination.close());
  const pipeline = await createPipeline({ retryDelays: [] });
  cleanups.push(() => pipeline.close());
  const worker = pipeline.startWorker();
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    config: { url: `${destination.origin}/hook` },
    events: ['capsule.created'],
  });
  await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
  await waitFor(() => requests === 1);
  const [row] = await pipeline.deliveriesOf(channel.uuid);
  if (!row) throw new Error('no delivery');

  // What the redelivery route does while the first attempt is still out.
  await pipeline.db
    .updateTable('deliveries')
    .set((eb) => ({ status: 'pending', generation: eb('generation', '+', 1) }))
    .where('id', '=', row.id)
    .execute();
  await requeueDelivery(worker.queues.deliveries, formatId('delivery', row.id), 2);
  await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid))[0]?.status === 'succeeded');

  // The first generation's final failure arrives after the success: it changes nothing.
  await sleep(2_000);
  const [after] = await pipeline.deliveriesOf(channel.uuid);
  expect(after).toMatchObject({
    status: 'succeeded',
    generation: 2,
    attempts: 1,
    last_status_code: 200,
    last_error: null,
  });
  expect(await pipeline.attemptsOf(row.id)).toMatchObject([{ attempt: 1, outcome: 'succeeded' }]);
  expect(requests).toBe(2);
  const firstJob = await worker.queues.deliveries.getJob(`${formatId('delivery', row.id)}.1`);
  expect(firstJob?.returnvalue).toBe('skipped');
});

it('a job of an earlier generation does not send once the delivery was redelivered', async () => {
  let requests = 0;
  const destination = await startFakeServer((_req, res) => {
    requests++;
    res.writeHead(200).end('{}');
  });
  cleanups.push(() => destination.close());
  const pipeline = await createPipeline({ retryDelays: [] });
  cleanups.push(() => pipeline.close());
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    config: { url: `${destination.origin}/hook` },
    events: ['capsule.created'],
  });
  const worker = pipeline.startWorker();
  await worker.queues.deliveries.pause();
  await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
  const [row] = await waitFor(async () => {
    const rows = await pipeline.deliveriesOf(channel.uuid);
    return rows.length === 1 ? rows : null;
  });
  if (!row) throw new Error('no delivery');
  const deliveryId = formatId('delivery', row.id);
  await waitFor(async () => (await worker.queues.deliveries.getJob(`${deliveryId}.1`)) !== undefined);
  await pipeline.db.updateTable('deliveries').set({ generation: 2 }).where('id', '=', row.id).execute();
  await requeueDelivery(worker.queues.deliveries, deliveryId, 2);
  await worker.queues.deliveries.resume();

  await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid))[0]?.status === 'succeeded');
  await waitFor(async () => (await worker.queues.deliveries.getJob(`${deliveryId}.1`))?.finishedOn !== undefined);
  expect(requests).toBe(1);
  expect((await worker.queues.deliveries.getJob(`${deliveryId}.1`))?.returnvalue).toBe('skipped');
});

import { formatId, newId } from '@wrenn/events';
import { ensureDrains } from '@wrenn/queues';
import { holdsFor, startFakeServer, waitFor } from '@wrenn/testing';
import { afterEach, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it("a redelivery wins over the earlier generation's attempt that answers late", async () => {
  // The first request is answered late, once the test releases it, and with a failure; every later one succeeds at once.
  let requests = 0;
  let releaseLateAnswer = () => {};
  const lateAnswerReleased = new Promise<void>((resolve) => {
    releaseLateAnswer = resolve;
  });
  let lateAnswerSent: Promise<void> | undefined;
  const destination = await startFakeServer((_req, res) => {
    requests++;
    if (requests === 1) {
      lateAnswerSent = new Promise<void>((resolve) => {
        res.on('finish', resolve);
        void lateAnswerReleased.then(() => res.writeHead(500).end('late failure'));
      });
      return;
    }
    res.writeHead(200).end('{}');
  });
  cleanups.push(() => destination.close());
  const pipeline = await createPipeline({ retryDelays: [] });
  cleanups.push(() => pipeline.close());
  pipeline.startWorker();
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

  // A redelivery while the first attempt is still out.
  await pipeline.redeliver(row.id, channel.id);
  releaseLateAnswer();
  await lateAnswerSent;
  await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid))[0]?.status === 'succeeded');

  // The first generation's failure, answered after the redelivery, changed nothing: the row must stay
  // as the redelivery left it while the worker has every chance to act on the late answer.
  await holdsFor(async () => (await pipeline.deliveriesOf(channel.uuid))[0]?.status === 'succeeded', {
    forMs: 500,
    message: "the late answer overwrote the redelivery's success",
  });
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
  // Both requests carried the one delivery id.
  expect(new Set(destination.received.map((r) => r.headers['webhook-id']))).toEqual(
    new Set([formatId('delivery', row.id)]),
  );
});

it('a row redelivered before its drain runs is sent once, in its new generation', async () => {
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
  await worker.queues.deliveriesFor(channel.id).pause();
  await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
  const [row] = await waitFor(async () => {
    const rows = await pipeline.deliveriesOf(channel.uuid);
    return rows.length === 1 ? rows : null;
  });
  if (!row) throw new Error('no delivery');
  await waitFor(async () => (await worker.queues.deliveriesFor(channel.id).getJob(channel.id)) !== undefined);
  await pipeline.db.updateTable('deliveries').set({ generation: 2 }).where('id', '=', row.id).execute();
  await ensureDrains(worker.queues, [channel.id], { wake: true });
  // The channel keeps its one drain job.
  const queue = worker.queues.deliveriesFor(channel.id);
  expect(await queue.getJobCountByTypes('waiting', 'paused', 'delayed', 'active')).toBe(1);
  await worker.queues.deliveriesFor(channel.id).resume();

  await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid))[0]?.status === 'succeeded');
  // A second send of the row (its earlier generation too) would follow within this window.
  await holdsFor(() => requests === 1, { forMs: 300, message: 'the row was sent more than once' });
  expect(requests).toBe(1);
  expect(await pipeline.deliveriesOf(channel.uuid)).toMatchObject([{ generation: 2, attempts: 1 }]);
});

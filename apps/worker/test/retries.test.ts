import { openConfig } from '@wrenn/crypto';
import { formatId, newId } from '@wrenn/events';
import { ensureDrains } from '@wrenn/queues';
import { FAKE_TELEGRAM_TOKEN, holdsFor, startFakeTelegram, startFakeWebhookReceiver, waitFor } from '@wrenn/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pipelineWith(options: Parameters<typeof createPipeline>[0] = {}): Promise<Pipeline> {
  const pipeline = await createPipeline(options);
  cleanups.push(() => pipeline.close());
  return pipeline;
}

function pipelineWithChannel(pipeline: Pipeline, team: string, url: string) {
  return pipeline.createChannel({ teamId: team, config: { url }, events: ['capsule.created'] });
}

/** Records one capsule.created for the team and waits for the channel's delivery to settle. */
async function deliverOne(pipeline: Pipeline, teamId: string, channelUuid: string, timeoutMs = 15_000) {
  const before = (await pipeline.deliveriesOf(channelUuid)).length;
  await pipeline.audit.record([lifecycleEntry(teamId, 'sandbox', 'create')]);
  return waitFor(
    async () => {
      const rows = await pipeline.deliveriesOf(channelUuid);
      const row = rows[before];
      return row && row.status !== 'pending' ? row : null;
    },
    { timeoutMs, message: 'delivery did not settle' },
  );
}

describe('retry schedule', () => {
  it('follows WRENN_RETRY_DELAYS: one attempt at once, one after each delay, then failed', async () => {
    const pipeline = await pipelineWith({ retryDelays: [300, 600, 900] });
    const receiver = await startFakeWebhookReceiver({ defaultResponse: { status: 500, body: 'boom' } });
    cleanups.push(() => receiver.close());
    pipeline.startWorker();
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: receiver.url },
      events: ['capsule.created'],
    });

    const delivery = await deliverOne(pipeline, team, channel.uuid);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 4, last_status_code: 500 });
    expect(delivery.last_error).toContain('HTTP 500');
    const times = receiver.received.map((r) => r.request.receivedAt);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    [300, 600, 900].forEach((delay, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(delay - 20);
      expect(gaps[i]).toBeLessThan(delay + 1_500);
    });
    const ids = new Set(receiver.received.map((r) => r.request.headers['webhook-id']));
    expect(ids).toEqual(new Set([formatId('delivery', delivery.id)]));
    const attempts = await pipeline.attemptsOf(delivery.id);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(attempts.every((a) => a.status_code === 500 && a.outcome === 'retry')).toBe(true);
    // A retryable failure is not a permanent one: the channel stays enabled with no count.
    expect(await pipeline.channel(channel.uuid)).toMatchObject({ enabled: true, consecutive_failures: 0 });
  });

  it("waits for a 429's Retry-After when it is longer than the scheduled delay", async () => {
    const pipeline = await pipelineWith({ retryDelays: [200, 200] });
    const receiver = await startFakeWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.failNext({ status: 429, headers: { 'retry-after': '2' }, body: 'slow down' });
    pipeline.startWorker();
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: receiver.url },
      events: ['capsule.created'],
    });

    const delivery = await deliverOne(pipeline, team, channel.uuid);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2, last_status_code: 200 });
    const [first, second] = receiver.received.map((r) => r.request.receivedAt);
    expect((second as number) - (first as number)).toBeGreaterThanOrEqual(2_000 - 20);
  });

  it('waits at least the scheduled delay after a 429 without Retry-After', async () => {
    const pipeline = await pipelineWith({ retryDelays: [1_500] });
    const receiver = await startFakeWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.failNext({ status: 429 });
    pipeline.startWorker();
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: receiver.url },
      events: ['capsule.created'],
    });

    const delivery = await deliverOne(pipeline, team, channel.uuid);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 });
    const [first, second] = receiver.received.map((r) => r.request.receivedAt);
    expect((second as number) - (first as number)).toBeGreaterThanOrEqual(1_500 - 20);
  });
});

describe('429 answers', () => {
  it('use no attempt of the schedule: a delivery with one attempt outlives several 429s', async () => {
    const pipeline = await pipelineWith({ retryDelays: [] });
    const receiver = await startFakeWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.failNext({ status: 429, headers: { 'retry-after': '0' } }, 3);
    pipeline.startWorker();
    const team = newId('team').id;
    const channel = await pipelineWithChannel(pipeline, team, receiver.url);

    const delivery = await deliverOne(pipeline, team, channel.uuid);
    // Every request counts; only the success settles it, and no answer other than 429 was used up.
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, failures: 0, last_status_code: 200 });
    const attempts = await pipeline.attemptsOf(delivery.id);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.status_code])).toEqual([
      [1, 'retry', 429],
      [2, 'retry', 429],
      [3, 'retry', 429],
      [4, 'succeeded', 200],
    ]);
    // A 429 without a usable wait still pauses the destination for a moment.
    const times = receiver.received.map((r) => r.request.receivedAt);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThan(400);
  });

  it('pause the whole destination: every delivery to it waits, in every worker', async () => {
    const pipeline = await pipelineWith({ retryDelays: [100] });
    const receiver = await startFakeWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.failNext({ status: 429, headers: { 'retry-after': '2' } });
    pipeline.startWorker();
    pipeline.startWorker();
    const team = newId('team').id;
    // Two channels to one endpoint: one destination.
    const first = await pipelineWithChannel(pipeline, team, receiver.url);
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
    await waitFor(() => receiver.received.length === 1);
    const second = await pipelineWithChannel(pipeline, team, receiver.url);
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
    const settled = await waitFor(async () => {
      const rows = [...(await pipeline.deliveriesOf(first.uuid)), ...(await pipeline.deliveriesOf(second.uuid))];
      return rows.length === 3 && rows.every((r) => r.status === 'succeeded') ? rows : null;
    });
    const [limited, ...after] = receiver.received.map((r) => r.request.receivedAt);
    // Nothing reached the destination during its pause, whichever channel or worker.
    for (const at of after) expect(at - (limited as number)).toBeGreaterThanOrEqual(2_000 - 20);
    expect(settled.every((r) => r.failures === 0)).toBe(true);
  });
});

describe('permanent failures', () => {
  it("does not retry a chat provider's 404", async () => {
    const telegram = await startFakeTelegram();
    cleanups.push(() => telegram.close());
    const pipeline = await pipelineWith({
      retryDelays: [200, 200],
      providerSettings: { telegramApiBase: telegram.origin },
    });
    pipeline.startWorker();
    const team = newId('team').id;
    // A token the Bot API does not route: 404 Not Found.
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'telegram',
      config: { bot_token: 'not-a-token', chat_id: '42424242' },
      events: ['capsule.created'],
    });

    const delivery = await deliverOne(pipeline, team, channel.uuid);
    // Long enough for both retries (200 ms each) to have been sent, had the 404 been retried.
    await holdsFor(() => telegram.received.length === 1, { forMs: 800, message: 'the 404 was retried' });
    expect(telegram.received).toHaveLength(1);
    expect(await pipeline.deliveriesOf(channel.uuid)).toMatchObject([
      { status: 'failed', attempts: 1, last_status_code: 404 },
    ]);
    expect((await pipeline.attemptsOf(delivery.id)).map((a) => a.outcome)).toEqual(['permanent']);
    expect((await pipeline.channel(channel.uuid)).enabled).toBe(true);
  });

  it('disables a webhook channel at once on 410 Gone and writes channel/auto_disable', async () => {
    const pipeline = await pipelineWith({ retryDelays: [200] });
    const receiver = await startFakeWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.failNext({ status: 410, body: 'gone' });
    pipeline.startWorker();
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: receiver.url },
      events: ['capsule.created'],
    });

    const delivery = await deliverOne(pipeline, team, channel.uuid);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 410 });
    const row = await pipeline.channel(channel.uuid);
    expect(row.enabled).toBe(false);
    expect(row.disabled_reason).toMatch(/gone/i);
    const audit = await waitFor(() =>
      pipeline.db.selectFrom('audit_logs').selectAll().where('action', '=', 'auto_disable').executeTakeFirst(),
    );
    expect(audit).toMatchObject({
      resource_type: 'channel',
      resource_id: channel.id,
      actor_type: 'system',
      status: 'error',
    });
    expect(audit.metadata).toMatchObject({ provider: 'webhook', reason: row.disabled_reason });

    // A disabled channel gets nothing more.
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
    // The event leaves the outbox once it is fanned out; only a delivery row could be sent after that.
    await waitFor(async () => (await pipeline.db.selectFrom('outbox').select('event_id').execute()).length === 0, {
      message: 'the second event was never fanned out',
    });
    expect(await pipeline.deliveriesOf(channel.uuid)).toHaveLength(1);
    expect(receiver.received).toHaveLength(1);
  });
});

describe('delivery details', () => {
  it("stores the config a provider hands back (a Telegram group's migration)", async () => {
    const telegram = await startFakeTelegram({
      chats: [
        { id: -100111, type: 'group' },
        { id: -1002222, type: 'supergroup' },
      ],
    });
    cleanups.push(() => telegram.close());
    telegram.migrateChat(-100111, -1002222);
    const pipeline = await pipelineWith({ providerSettings: { telegramApiBase: telegram.origin } });
    pipeline.startWorker();
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'telegram',
      config: { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '-100111' },
      events: ['capsule.created'],
    });

    expect(await deliverOne(pipeline, team, channel.uuid)).toMatchObject({ status: 'succeeded' });
    const stored = await pipeline.channel(channel.uuid);
    expect(openConfig(pipeline.secrets, stored.config)).toEqual({
      bot_token: FAKE_TELEGRAM_TOKEN,
      chat_id: '-1002222',
    });
    // The next delivery goes straight to the new chat (the cached config follows updated_at).
    const sentBefore = telegram.received.length;
    expect(await deliverOne(pipeline, team, channel.uuid)).toMatchObject({ status: 'succeeded' });
    expect(telegram.received.length - sentBefore).toBe(1);
    expect(telegram.messages.at(-1)?.chatId).toBe(-1002222);
  });

  it('a redelivery adds attempts to the same delivery id', async () => {
    const pipeline = await pipelineWith({ retryDelays: [100] });
    const receiver = await startFakeWebhookReceiver();
    cleanups.push(() => receiver.close());
    receiver.failNext({ status: 503 }, 2);
    const worker = pipeline.startWorker();
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: receiver.url },
      events: ['capsule.created'],
    });

    const failed = await deliverOne(pipeline, team, channel.uuid);
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
    const deliveryId = formatId('delivery', failed.id);
    // What the API's redelivery route does: a new generation, pending and ready with its
    // schedule ahead again, and its channel's drain.
    await pipeline.db
      .updateTable('deliveries')
      .set({ status: 'pending', generation: 2, failures: 0, ready_at: new Date() })
      .where('id', '=', failed.id)
      .execute();
    // The channel's drain may still be finishing its last look: then it, or its successor, sends it.
    await ensureDrains(worker.queues, [channel.id]);

    const redelivered = await waitFor(async () => {
      const [row] = await pipeline.deliveriesOf(channel.uuid);
      return row?.status === 'succeeded' ? row : null;
    });
    expect(redelivered).toMatchObject({ id: failed.id, attempts: 3, last_status_code: 200, last_error: null });
    expect(receiver.received.map((r) => r.request.headers['webhook-id'])).toEqual([deliveryId, deliveryId, deliveryId]);
    expect((await pipeline.attemptsOf(failed.id)).map((a) => a.attempt)).toEqual([1, 2, 3]);
  });

  it('fails a delivery whose channel was disabled before it ran, without sending', async () => {
    const pipeline = await pipelineWith();
    const receiver = await startFakeWebhookReceiver();
    cleanups.push(() => receiver.close());
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: receiver.url },
      events: ['capsule.created'],
    });
    // Fanned out while enabled, disabled before the delivery job runs.
    const fanOutOnly = pipeline.startWorker({ concurrency: 1 });
    await fanOutOnly.queues.deliveriesFor(channel.id).pause();
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
    await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid)).length === 1);
    await pipeline.db
      .updateTable('channels')
      .set({ enabled: false, disabled_reason: 'test' })
      .where('id', '=', channel.uuid)
      .execute();
    await fanOutOnly.queues.deliveriesFor(channel.id).resume();

    const delivery = await waitFor(async () => {
      const [row] = await pipeline.deliveriesOf(channel.uuid);
      return row?.status === 'failed' ? row : null;
    });
    expect(delivery).toMatchObject({ attempts: 0, last_error: 'the channel is disabled' });
    expect(receiver.received).toHaveLength(0);
  });
});

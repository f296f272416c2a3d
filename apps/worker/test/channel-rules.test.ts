import { type AuditEntry, createAuditLogger } from '@wrenn/audit';
import { newId } from '@wrenn/events';
import type { EventJob } from '@wrenn/queues';
import { createLogger, createMetricsRegistry } from '@wrenn/runtime';
import { type FakeServer, holdsFor, startFakeServer, waitFor } from '@wrenn/testing';
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFanOutProcessor } from '../src/fan-out/fan-out-processor';
import { createWorkerMetrics } from '../src/worker-metrics';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

const SLACK_URL = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
const CAPSULE_ID = /cl-[0-9a-z]{25}/g;
const NIGHT = { timezone: 'Europe/Berlin', start: '22:00', end: '07:00' };

let pipeline: Pipeline;
let receiver: FakeServer;

beforeAll(async () => {
  receiver = await startFakeServer((_req, res) => {
    res.writeHead(200).end('ok');
  });
  pipeline = await createPipeline({ providerSettings: { slackApiBase: receiver.origin } });
});
afterAll(async () => {
  await pipeline?.close();
  await receiver?.close();
});

/**
 * The fan-out processor on the pipeline's database and queues, its quiet hours
 * read on `clock`. The worker runtime's own fan-out then finds these events done.
 */
function fanOutWith(clock?: () => number) {
  const registry = createMetricsRegistry('worker');
  const metrics = createWorkerMetrics(registry, pipeline.producerQueues, pipeline.db);
  const fanOut = createFanOutProcessor({ db: pipeline.db, deliveryQueues: pipeline.producerQueues, metrics, clock });
  // Events are recorded without queueing their jobs: a running worker's own fan-out, on the real
  // clock, must not race this one (it takes the event out of the outbox, so the relay leaves it).
  const audit = createAuditLogger({ db: pipeline.db, logger: createLogger({ name: 'test', level: 'silent' }) });
  return {
    metrics,
    async ingest(entries: AuditEntry[]): Promise<string[]> {
      const { eventIds } = await audit.record(entries);
      for (const eventId of eventIds) await fanOut({ data: { eventId } } as Job<EventJob>);
      return eventIds;
    },
    async filterErrors(channelId: string): Promise<number> {
      const metric = await metrics.filterErrors.get();
      return metric.values.find((v) => v.labels.channel === channelId)?.value ?? 0;
    },
  };
}

/** A clock that reads `iso` now and runs on from there. */
function clockAt(iso: string): () => number {
  const offset = Date.parse(iso) - Date.now();
  return () => Date.now() + offset;
}

function capsule(team: string, template: string, actor: 'user' | 'system' = 'user', extra: object = {}): AuditEntry {
  const entry = lifecycleEntry(team, 'sandbox', 'create');
  return { ...entry, actor: actor === 'user' ? entry.actor : { type: 'system' }, metadata: { template, ...extra } };
}

async function setRules(channelUuid: string, rules: { filter?: string | null; quiet_hours?: object | null }) {
  await pipeline.db
    .updateTable('channels')
    .set({
      // What PATCH does: the new updated_at is what invalidates compiled filters.
      updated_at: new Date(),
      ...(rules.filter === undefined ? {} : { filter: rules.filter }),
      ...(rules.quiet_hours === undefined
        ? {}
        : { quiet_hours: rules.quiet_hours === null ? null : JSON.stringify(rules.quiet_hours) }),
    })
    .where('id', '=', channelUuid)
    .execute();
}

async function channelWith(team: string, rules: { filter?: string; quiet_hours?: object }, provider?: 'slack') {
  const channel = await pipeline.createChannel({
    teamId: team,
    ...(provider === 'slack'
      ? { provider, config: { webhook_url: SLACK_URL } }
      : { config: { url: `${receiver.origin}/${newId('channel').id}` } }),
    events: ['*'],
  });
  await setRules(channel.uuid, {
    ...rules,
    ...(rules.quiet_hours
      ? {
          quiet_hours: {
            days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
            urgent: ['host.down', 'channel.disabled'],
            ...rules.quiet_hours,
          },
        }
      : {}),
  });
  return channel;
}

async function eventTemplates(channelUuid: string): Promise<string[]> {
  const rows = await pipeline.db
    .selectFrom('deliveries')
    .innerJoin('events', 'events.id', 'deliveries.event_id')
    .select('events.payload')
    .where('deliveries.channel_id', '=', channelUuid)
    .orderBy('deliveries.event_id')
    .execute();
  return rows.map((r) => String((r.payload.metadata as { template?: string }).template ?? r.payload.event));
}

describe('filters at fan-out', () => {
  it('create delivery rows only for the events they let through; a missing key counts as false and as an error', async () => {
    const team = newId('team').id;
    const fan = fanOutWith();
    const python = await channelWith(team, {
      filter: 'event.actor.type != "system" && event.metadata.template.startsWith("python")',
    });
    const gpu = await channelWith(team, {
      filter:
        '"gpu" in event.metadata.tags && has(event.metadata.labels.env) && event.metadata.labels["env"] == "prod"',
    });
    const owner = await channelWith(team, { filter: 'event.metadata.owner == "ada"' });
    const everything = await channelWith(team, {});

    await fan.ingest([
      capsule(team, 'python-3.12', 'user', { tags: ['gpu'], labels: { env: 'prod' } }),
      capsule(team, 'node-22', 'user', { tags: ['gpu'], labels: { env: 'dev' } }),
      capsule(team, 'python-3.11', 'system', { tags: ['gpu'] }),
      capsule(team, 'python-3.13', 'user', { tags: ['cpu'], labels: { env: 'prod' } }),
    ]);

    expect(await eventTemplates(python.uuid)).toEqual(['python-3.12', 'python-3.13']);
    expect(await eventTemplates(gpu.uuid)).toEqual(['python-3.12']);
    expect(await eventTemplates(owner.uuid)).toEqual([]);
    expect(await eventTemplates(everything.uuid)).toHaveLength(4);
    expect(await fan.filterErrors(owner.id)).toBe(4);
    expect(await fan.filterErrors(python.id)).toBe(0);
    // The system capsule's event has no `labels` at all: has() on it errs, which is not just false.
    expect(await fan.filterErrors(gpu.id)).toBe(1);
  });

  it('a filter changed by PATCH applies to the next event', async () => {
    const team = newId('team').id;
    const fan = fanOutWith();
    const channel = await channelWith(team, { filter: 'event.metadata.template.startsWith("python")' });
    await fan.ingest([capsule(team, 'python-3.12'), capsule(team, 'node-22')]);
    expect(await eventTemplates(channel.uuid)).toEqual(['python-3.12']);

    await setRules(channel.uuid, { filter: 'event.metadata.template.startsWith("node")' });
    await fan.ingest([capsule(team, 'python-3.13'), capsule(team, 'node-24')]);
    expect(await eventTemplates(channel.uuid)).toEqual(['python-3.12', 'node-24']);

    await setRules(channel.uuid, { filter: null });
    await fan.ingest([capsule(team, 'go-1.23')]);
    expect(await eventTemplates(channel.uuid)).toEqual(['python-3.12', 'node-24', 'go-1.23']);
  });
});

describe('quiet hours at fan-out', () => {
  it('hold deliveries until the window ends; urgent events are ready at once', async () => {
    const team = newId('team').id;
    // 23:00 in Berlin (UTC+1) on Friday 2026-12-04: the window closes at 07:00, 06:00 UTC.
    const clock = clockAt('2026-12-04T22:00:00Z');
    const fan = fanOutWith(clock);
    const channel = await channelWith(team, { quiet_hours: NIGHT });
    const before = Date.now();
    await fan.ingest([capsule(team, 'python-3.12'), lifecycleEntry(team, 'host', 'marked_down')]);
    const rows = await pipeline.deliveriesOf(channel.uuid);
    const byType = Object.fromEntries(rows.map((r) => [r.event_type, r]));
    expect(byType['capsule.created']?.status).toBe('pending');
    // Eight hours from the clock's now, measured on the real one.
    const held = (byType['capsule.created']?.ready_at.getTime() ?? 0) - before;
    expect(held).toBeGreaterThan(8 * 3_600_000 - 5_000);
    expect(held).toBeLessThanOrEqual(8 * 3_600_000);
    expect(byType['host.down']?.ready_at.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('outside the window and on days it does not open, deliveries are ready at once', async () => {
    const team = newId('team').id;
    // Saturday 2026-12-05, 23:00 in Berlin; the window opens on Fridays only.
    const fan = fanOutWith(clockAt('2026-12-05T22:00:00Z'));
    const channel = await channelWith(team, { quiet_hours: { ...NIGHT, days: ['fri'] } });
    await fan.ingest([capsule(team, 'python-3.12')]);
    const [row] = await pipeline.deliveriesOf(channel.uuid);
    expect(row?.ready_at.getTime()).toBeLessThanOrEqual(Date.now());
  });
});

describe('quiet hours that no longer compute', () => {
  it('send at once when the stored timezone is unknown to this runtime, without holding up other channels', async () => {
    const team = newId('team').id;
    const fan = fanOutWith(clockAt('2026-12-04T22:00:00Z'));
    const gone = await channelWith(team, { quiet_hours: { ...NIGHT, timezone: 'Mars/Olympus_Mons' } });
    const other = await channelWith(team, { quiet_hours: NIGHT });
    await fan.ingest([capsule(team, 'python-3.12')]);
    const [sent] = await pipeline.deliveriesOf(gone.uuid);
    expect(sent?.ready_at.getTime()).toBeLessThanOrEqual(Date.now());
    const [held] = await pipeline.deliveriesOf(other.uuid);
    expect(held?.ready_at.getTime()).toBeGreaterThan(Date.now() + 3_600_000);
  });
});

describe('quiet hours end to end', () => {
  /** Requests the fake received for this Slack channel's path, with the capsule ids each names. */
  function slackMessages(since: number) {
    return receiver.received
      .filter((r) => r.receivedAt >= since && r.url.startsWith('/services/'))
      .map((r) => ({ at: r.receivedAt, capsules: [...new Set(r.body.match(CAPSULE_ID))], body: r.body }));
  }

  it('sends what waited as one message when the window ends, even across a worker restart', async () => {
    const team = newId('team').id;
    // 06:59:57.5 in Berlin: the window ends in 2.5 s.
    const fan = fanOutWith(clockAt('2026-12-05T05:59:57.500Z'));
    const channel = await channelWith(team, { quiet_hours: NIGHT }, 'slack');
    const first = pipeline.startWorker();
    const since = Date.now();
    const entries = [capsule(team, 'python-3.12'), capsule(team, 'node-22'), capsule(team, 'go-1.23')];
    await fan.ingest(entries);
    const endsAt = since + 2_500;

    // The first worker's drain finds nothing ready; mid-window, it goes away.
    await holdsFor(() => slackMessages(since).length === 0, { forMs: 800, message: 'sent during quiet hours' });
    expect(slackMessages(since)).toEqual([]);
    const rows = await pipeline.deliveriesOf(channel.uuid);
    expect(rows.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
    await first.close();
    pipeline.startWorker();

    await waitFor(() => slackMessages(since).length > 0, { timeoutMs: 10_000 });
    // A second message (what waited, sent twice) would follow within this window.
    await holdsFor(() => slackMessages(since).length === 1, { forMs: 500, message: 'what waited was sent twice' });
    const messages = slackMessages(since);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.at).toBeGreaterThanOrEqual(endsAt - 50);
    expect(messages[0]?.capsules).toEqual(entries.map((e) => e.resource_id));
    const settled = await pipeline.deliveriesOf(channel.uuid);
    expect(settled.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it('sends an urgent event at once: a chat channel gets what waited before it in the same message, a webhook only the urgent one', async () => {
    const team = newId('team').id;
    // 01:00 in Berlin: six hours to go.
    const fan = fanOutWith(clockAt('2026-12-05T00:00:00Z'));
    const chat = await channelWith(team, { quiet_hours: NIGHT }, 'slack');
    const hook = await channelWith(team, { quiet_hours: NIGHT });
    pipeline.startWorker();
    const since = Date.now();
    const created = capsule(team, 'python-3.12');
    await fan.ingest([created]);
    // Had quiet hours not held the event back, it would have been sent within this window.
    await holdsFor(() => slackMessages(since).length === 0, { forMs: 800, message: 'sent during quiet hours' });
    expect(slackMessages(since)).toEqual([]);

    const down = lifecycleEntry(team, 'host', 'marked_down');
    await fan.ingest([down]);
    await waitFor(() => slackMessages(since).length > 0, { timeoutMs: 5_000 });
    await waitFor(async () => (await pipeline.deliveriesOf(hook.uuid)).some((r) => r.status === 'succeeded'), {
      timeoutMs: 5_000,
    });
    expect(Date.now() - since).toBeLessThan(5_000);

    const [message] = slackMessages(since);
    expect(message?.capsules).toContain(created.resource_id);
    expect(message?.body).toContain(down.resource_id);
    await waitFor(async () => (await pipeline.deliveriesOf(chat.uuid)).every((r) => r.status === 'succeeded'), {
      timeoutMs: 5_000,
    });
    const hookRows = await pipeline.deliveriesOf(hook.uuid);
    expect(Object.fromEntries(hookRows.map((r) => [r.event_type, r.status]))).toEqual({
      'capsule.created': 'pending',
      'host.down': 'succeeded',
    });
  });
});

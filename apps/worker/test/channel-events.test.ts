import { sealConfig } from '@wrenn/crypto';
import { formatId, newId, parseId, subscriptionKeys } from '@wrenn/events';
import { queueEvents } from '@wrenn/queues';
import { createLogger, createMetricsRegistry } from '@wrenn/runtime';
import { type FakeServer, startFakeServer, waitFor } from '@wrenn/testing';
import { sql } from 'kysely';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRetentionPruner } from '../src/retention/retention-pruner';
import { createWorkerMetrics } from '../src/worker-metrics';
import { createPipeline, LIFECYCLE, lifecycleEntry, type Pipeline } from './support/pipeline';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SECRET_NEW = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const SECRET_OLD = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;

describe('channel.disabled, event patterns and rotated secrets in the worker', () => {
  let pipeline: Pipeline;
  let receiver: FakeServer;

  beforeAll(async () => {
    pipeline = await createPipeline({ retryDelays: [100, 100] });
    receiver = await startFakeServer((req, res) => {
      res.writeHead(req.url?.startsWith('/gone') ? 410 : 200).end('ok');
    });
    // Two workers: both see the failures that disable a channel.
    pipeline.startWorker();
    pipeline.startWorker();
  });

  afterAll(async () => {
    await pipeline?.close();
    await receiver?.close();
  });

  const url = (path: string) => `${receiver.origin}/${path}`;
  const bodies = (path: string) =>
    receiver.received
      .filter((r) => r.url === `/${path}`)
      .map(
        (r) => JSON.parse(r.body) as { event: string; resource: { id: string; type: string }; [k: string]: unknown },
      );

  it("sends one channel.disabled to the team's other enabled channels subscribed to it, never to the disabled one", async () => {
    const team = newId('team').id;
    const gone = await pipeline.createChannel({
      teamId: team,
      name: 'gone',
      config: { url: url('gone') },
      events: ['*'],
    });
    await pipeline.createChannel({ teamId: team, config: { url: url('exact') }, events: ['channel.disabled'] });
    await pipeline.createChannel({ teamId: team, config: { url: url('prefix') }, events: ['channel.*'] });
    await pipeline.createChannel({ teamId: team, config: { url: url('all') }, events: ['*'] });
    await pipeline.createChannel({ teamId: team, config: { url: url('capsules') }, events: ['capsule.*'] });
    await pipeline.createChannel({ teamId: team, config: { url: url('off') }, events: ['*'], enabled: false });
    await pipeline.createChannel({ teamId: newId('team').id, config: { url: url('stranger') }, events: ['*'] });

    // Six failing deliveries at once, spread over two workers: one disable, one event.
    await pipeline.audit.record(Array.from({ length: 6 }, () => lifecycleEntry(team, 'sandbox', 'create')));
    await waitFor(() => bodies('exact').length >= 1 && bodies('prefix').length >= 1 && bodies('all').length >= 7, {
      timeoutMs: 20_000,
    });
    // Room for a duplicate (relay passes every 500 ms) that must not come.
    await settle(2_500);

    for (const path of ['exact', 'prefix']) {
      expect(bodies(path).map((b) => b.event)).toEqual(['channel.disabled']);
    }
    const notices = bodies('all').filter((b) => b.event === 'channel.disabled');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      event: 'channel.disabled',
      team_id: team,
      actor: { type: 'system' },
      resource: { id: gone.id, type: 'channel' },
      metadata: { name: 'gone', provider: 'webhook', reason: expect.stringContaining('410') },
    });
    expect(Object.keys(notices[0]?.metadata as object).sort()).toEqual(['name', 'provider', 'reason']);
    expect(bodies('gone').every((b) => b.event === 'capsule.created')).toBe(true);
    expect(bodies('capsules').map((b) => b.event)).toEqual(Array(6).fill('capsule.created'));
    expect(bodies('off')).toEqual([]);
    expect(bodies('stranger')).toEqual([]);

    const teamUuid = parseId('team', team) as string;
    const audits = await pipeline.db
      .selectFrom('audit_logs')
      .select('action')
      .where('team_id', '=', teamUuid)
      .where('action', '=', 'auto_disable')
      .execute();
    expect(audits).toHaveLength(1);
    const events = await pipeline.db
      .selectFrom('events')
      .select(['event_type', 'channel_id'])
      .where('team_id', '=', teamUuid)
      .where('event_type', '=', 'channel.disabled')
      .execute();
    expect(events).toEqual([{ event_type: 'channel.disabled', channel_id: gone.uuid }]);
    expect((await pipeline.channel(gone.uuid)).enabled).toBe(false);
  });

  it('never sends channel.disabled to the channel it names, even when that channel is enabled again first', async () => {
    const team = newId('team').id;
    const named = await pipeline.createChannel({ teamId: team, config: { url: url('named') }, events: ['*'] });
    await pipeline.createChannel({ teamId: team, config: { url: url('watcher') }, events: ['channel.disabled'] });
    await pipeline.audit.channelAutoDisable(team, { id: named.id, name: 'named', provider: 'webhook' }, '410 Gone');
    await waitFor(() => bodies('watcher').length >= 1, { timeoutMs: 15_000 });
    await settle(1_000);
    expect(bodies('watcher')).toHaveLength(1);
    expect(bodies('named')).toEqual([]);
    expect(await pipeline.deliveriesOf(named.uuid)).toEqual([]);
  });

  it('matches * and prefix patterns at fan-out, also for an event type added after the channel was created', async () => {
    const team = newId('team').id;
    const make = (path: string, events: string[]) =>
      pipeline.createChannel({ teamId: team, config: { url: url(path) }, events });
    const star = await make('p-star', ['*']);
    const template = await make('p-template', ['template.*']);
    const snapshot = await make('p-snapshot', ['template.snapshot.*']);
    const hosts = await make('p-hosts', ['host.*']);
    const hostDown = await make('p-host-down', ['host.down', 'host.down']);

    await pipeline.audit.record(LIFECYCLE.map((l) => lifecycleEntry(team, l.resource_type, l.action)));
    // A type this release does not define, as a later release would write it: the stored
    // patterns match it, not a list expanded when the channels were created.
    const later = newId('event');
    const log = newId('auditLog');
    const teamUuid = parseId('team', team) as string;
    await pipeline.db
      .insertInto('audit_logs')
      .values({
        id: log.uuid,
        team_id: teamUuid,
        actor_type: 'system',
        actor_id: null,
        actor_name: '',
        resource_type: 'host',
        resource_id: 'host-1',
        action: 'rebooted',
        scope: 'team',
        status: 'info',
        metadata: '{}',
      })
      .execute();
    const payload = {
      id: later.id,
      event: 'host.rebooted',
      timestamp: '2026-11-30T00:00:00Z',
      team_id: team,
      actor: { type: 'system' },
      resource: { id: 'host-1', type: 'host' },
      metadata: {},
    };
    await pipeline.db
      .insertInto('events')
      .values({
        id: later.uuid,
        team_id: teamUuid,
        audit_log_id: log.uuid,
        event_type: 'host.rebooted',
        payload: JSON.stringify(payload),
      })
      .execute();
    // Its outbox row, as the audit writer writes it with every event.
    await pipeline.db.insertInto('outbox').values({ event_id: later.uuid }).execute();
    await queueEvents(pipeline.producerQueues.events, [later.id]);

    const types = async (uuid: string) => (await pipeline.deliveriesOf(uuid)).map((d) => d.event_type).sort();
    await waitFor(async () => (await types(star.uuid)).length === 9 && (await types(hosts.uuid)).length === 3, {
      timeoutMs: 15_000,
    });
    await settle(500);
    expect(await types(star.uuid)).toEqual([...LIFECYCLE.map((l) => l.event), 'host.rebooted'].sort());
    expect(await types(template.uuid)).toEqual(['template.snapshot.created', 'template.snapshot.deleted']);
    expect(await types(snapshot.uuid)).toEqual(['template.snapshot.created', 'template.snapshot.deleted']);
    expect(await types(hosts.uuid)).toEqual(['host.down', 'host.rebooted', 'host.up']);
    expect(await types(hostDown.uuid)).toEqual(['host.down']);
    await waitFor(() => bodies('p-hosts').length === 3, { timeoutMs: 10_000 });
    expect(bodies('p-hosts').find((b) => b.event === 'host.rebooted')).toEqual(payload);
  });

  it('computes the same subscription keys in the database as in code', async () => {
    for (const type of [...LIFECYCLE.map((l) => l.event), 'channel.disabled', 'host.rebooted', 'a.b.c.d', 'single']) {
      const { rows } = await sql<{ keys: string[] }>`SELECT event_subscription_keys(${type}) AS keys`.execute(
        pipeline.db,
      );
      expect(rows[0]?.keys, type).toEqual(subscriptionKeys(type));
    }
  });

  it('signs with the previous secret only until it lapses, and the retention pass forgets it', async () => {
    const team = newId('team').id;
    const seal = (config: Record<string, string>) => JSON.stringify(sealConfig(pipeline.secrets, config));
    const live = await pipeline.createChannel({ teamId: team, config: { url: url('live') }, events: ['host.*'] });
    const lapsed = await pipeline.createChannel({ teamId: team, config: { url: url('lapsed') }, events: ['host.*'] });
    const rotated = (path: string) => seal({ url: url(path), secret: SECRET_NEW, previous_secret: SECRET_OLD });
    await pipeline.db
      .updateTable('channels')
      .set({ config: rotated('live'), previous_secret_expires_at: new Date(Date.now() + 3_600_000) })
      .where('id', '=', live.uuid)
      .execute();
    await pipeline.db
      .updateTable('channels')
      .set({ config: rotated('lapsed'), previous_secret_expires_at: new Date(Date.now() - 1_000) })
      .where('id', '=', lapsed.uuid)
      .execute();

    await pipeline.audit.record([lifecycleEntry(team, 'host', 'marked_down')]);
    await waitFor(() => bodies('live').length === 1 && bodies('lapsed').length === 1, { timeoutMs: 15_000 });
    const request = (path: string) => receiver.received.find((r) => r.url === `/${path}`);
    const verifies = (secret: string, path: string) => {
      const r = request(path);
      try {
        new Webhook(secret).verify(r?.body ?? '', r?.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    };
    expect(String(request('live')?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(SECRET_OLD, 'live')).toBe(true);
    expect(verifies(SECRET_NEW, 'live')).toBe(true);
    expect(String(request('lapsed')?.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(SECRET_OLD, 'lapsed')).toBe(false);
    expect(verifies(SECRET_NEW, 'lapsed')).toBe(true);

    const pruner = startRetentionPruner({
      db: pipeline.db,
      redis: pipeline.producer,
      prefix: pipeline.queuePrefix,
      policy: { deliveryMs: 30 * 86_400_000, auditMs: null },
      logger: createLogger({ name: 'retention-test', level: 'silent' }),
      metrics: createWorkerMetrics(createMetricsRegistry('worker'), pipeline.producerQueues, pipeline.db),
      intervalMs: 3_600_000,
    });
    try {
      expect(await pruner.runOnce()).not.toBeNull();
    } finally {
      await pruner.stop();
    }
    const lapsedRow = await pipeline.channel(lapsed.uuid);
    expect(Object.keys(lapsedRow.config).sort()).toEqual(['secret', 'url']);
    expect(lapsedRow.previous_secret_expires_at).toBeNull();
    const liveRow = await pipeline.channel(live.uuid);
    expect(Object.keys(liveRow.config).sort()).toEqual(['previous_secret', 'secret', 'url']);
    expect(formatId('channel', liveRow.id)).toBe(live.id);
  });

  it('publishes channel.disabled as the channel is disabled, without waiting for the relay', async () => {
    const quiet = await createPipeline({ retryDelays: [] });
    try {
      // A relay that would not pass again within the test.
      quiet.startWorker({ relayIntervalMs: 600_000 });
      const team = newId('team').id;
      await quiet.createChannel({ teamId: team, config: { url: url('gone') }, events: ['capsule.*'] });
      await quiet.createChannel({ teamId: team, config: { url: url('told') }, events: ['channel.disabled'] });
      await quiet.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
      const gone = await waitFor(() => receiver.received.find((r) => r.url === '/gone' && r.body.includes(team)));
      const told = await waitFor(
        () =>
          receiver.received.find(
            (r) => r.url === '/told' && r.body.includes('channel.disabled') && r.body.includes(team),
          ),
        { timeoutMs: 5_000 },
      );
      expect(told.receivedAt - gone.receivedAt).toBeLessThan(3_000);
    } finally {
      await quiet.close();
    }
  });
});

import { newId, parseId } from '@wrenn/events';
import { type FakeServer, holdsFor, startFakeServer, waitFor } from '@wrenn/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, LIFECYCLE, lifecycleEntry, type Pipeline } from './support/pipeline';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

describe('fan-out', () => {
  let pipeline: Pipeline;
  let receiver: FakeServer;

  beforeAll(async () => {
    pipeline = await createPipeline();
    receiver = await startFakeServer((_req, res) => {
      res.writeHead(200).end('ok');
    });
    pipeline.startWorker();
  });

  afterAll(async () => {
    await pipeline?.close();
    await receiver?.close();
  });

  it("delivers each of the 8 lifecycle actions to exactly the team's enabled channels subscribed to it", async () => {
    const team = newId('team').id;
    const otherTeam = newId('team').id;
    const allEvents = LIFECYCLE.map((l) => l.event);
    const url = (name: string) => `${receiver.origin}/${name}`;
    const all = await pipeline.createChannel({
      teamId: team,
      config: { url: url('all'), secret: SECRET },
      events: allEvents,
    });
    const hostsOnly = await pipeline.createChannel({
      teamId: team,
      config: { url: url('hosts') },
      events: ['host.up', 'host.down'],
    });
    await pipeline.createChannel({ teamId: team, config: { url: url('disabled') }, events: allEvents, enabled: false });
    await pipeline.createChannel({ teamId: otherTeam, config: { url: url('other-team') }, events: allEvents });

    const { eventIds } = await pipeline.audit.record([
      ...LIFECYCLE.map((l) => lifecycleEntry(team, l.resource_type, l.action)),
      // Stored, but not events.
      lifecycleEntry(team, 'team', 'rename'),
      lifecycleEntry(team, 'host', 'create'),
      lifecycleEntry(team, 'channel', 'create'),
    ]);
    expect(eventIds).toHaveLength(8);

    await waitFor(() => receiver.received.length >= 10, { timeoutMs: 15_000 });
    // Stragglers (a duplicate, or a send to a channel that must not get one) would arrive within this window.
    await holdsFor(() => receiver.received.length === 10, {
      forMs: 1_000,
      message: 'more than the ten expected requests arrived',
    });

    const byPath = (path: string) => receiver.received.filter((r) => r.url === `/${path}`);
    expect(byPath('all')).toHaveLength(8);
    expect(byPath('hosts')).toHaveLength(2);
    expect(byPath('disabled')).toHaveLength(0);
    expect(byPath('other-team')).toHaveLength(0);

    const received = byPath('all').map((r) => JSON.parse(r.body) as { event: string; id: string });
    expect(received.map((p) => p.event).sort()).toEqual([...allEvents].sort());
    expect(received.map((p) => p.id).sort()).toEqual([...eventIds].sort());
    expect(
      byPath('hosts')
        .map((r) => (JSON.parse(r.body) as { event: string }).event)
        .sort(),
    ).toEqual(['host.down', 'host.up']);

    // Signed with the channel's secret, as any Standard Webhooks library checks it.
    const verifier = new Webhook(SECRET);
    for (const request of byPath('all')) {
      expect(() => verifier.verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    }

    const deliveries = await pipeline.deliveriesOf(all.uuid);
    expect(deliveries).toHaveLength(8);
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, last_status_code: 200, last_error: null });
      expect(delivery.delivered_at).toBeInstanceOf(Date);
    }
    const deliveryIds = new Set(byPath('all').map((r) => r.headers['webhook-id']));
    expect([...deliveryIds].map((id) => parseId('delivery', id)).sort()).toEqual(deliveries.map((d) => d.id).sort());
    expect(await pipeline.deliveriesOf(hostsOnly.uuid)).toHaveLength(2);

    // The outbox empties once every event's delivery jobs are queued; the payloads stay.
    expect(await pipeline.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
    expect((await pipeline.db.selectFrom('events').select('id').execute()).length).toBeGreaterThan(0);
  });

  it('records each attempt with its status code and latency', async () => {
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: `${receiver.origin}/attempts` },
      events: ['capsule.created'],
    });
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
    const [delivery] = await waitFor(async () => {
      const rows = await pipeline.deliveriesOf(channel.uuid);
      return rows[0]?.status === 'succeeded' ? rows : null;
    });
    const attempts = await pipeline.attemptsOf(delivery?.id ?? '');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ attempt: 1, outcome: 'succeeded', status_code: 200, error: null });
    expect(attempts[0]?.latency_ms).toBeGreaterThanOrEqual(0);
  });
});

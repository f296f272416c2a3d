import { Writable } from 'node:stream';
import { createAuditLogger } from '@wrenn/audit';
import { newId, parseId, type Uuid } from '@wrenn/events';
import type { SendOutcome } from '@wrenn/providers';
import { createLogger, createMetricsRegistry } from '@wrenn/runtime';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMicroBatcher } from '../src/batch/micro-batcher';
import {
  type AttemptInput,
  createAttemptWriter,
  type RecordedAttempt,
  recordUnrecordable,
  UNRECORDABLE_ATTEMPT,
} from '../src/delivery/attempt-writer';
import { AUTO_DISABLE_AFTER } from '../src/delivery/auto-disable';
import { reportAttempt } from '../src/delivery/report-attempt';
import { createWorkerMetrics } from '../src/worker-metrics';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
const logger = createLogger({ name: 'attempt-writer-test', level: 'silent' });
beforeAll(async () => {
  pipeline = await createPipeline();
});
afterAll(() => pipeline?.close());

/** A writer as one worker process has it; several of them stand for several workers. */
function writer() {
  return createAttemptWriter({ db: pipeline.db, audit: createAuditLogger({ db: pipeline.db, logger }), logger });
}

/** A channel of a new team with `count` pending deliveries (generation 1), no worker involved. */
async function channelWithDeliveries(count: number) {
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    config: { url: 'http://127.0.0.1:9/hook' },
    events: ['capsule.created'],
  });
  const { eventIds } = await pipeline.audit.record(
    Array.from({ length: count }, () => lifecycleEntry(team, 'sandbox', 'create')),
  );
  const deliveries = eventIds.map(() => newId('delivery').uuid);
  if (count > 0) {
    await pipeline.db
      .insertInto('deliveries')
      .values(
        eventIds.map((eventId, i) => ({
          id: deliveries[i] as string,
          event_id: parseId('event', eventId) as string,
          channel_id: channel.uuid,
          team_id: parseId('team', team) as string,
          event_type: 'capsule.created',
        })),
      )
      .execute();
  }
  return { team, channel, deliveries };
}

function attempt(deliveryUuid: Uuid, channelUuid: Uuid, outcome: SendOutcome, final = true): AttemptInput {
  const decision = { final, scheduled: false, retryInMs: null, rateLimited: false };
  return { deliveryUuid, generation: 1, channelUuid, outcome, decision, readyAt: null, latencyMs: 12 };
}

const destination = (statusCode = 403): SendOutcome => ({
  kind: 'permanent',
  statusCode,
  reason: `HTTP ${statusCode}: bot was blocked by the user`,
  cause: 'destination',
});
const ok: SendOutcome = { kind: 'ok', statusCode: 200 };

function delivery(uuid: string) {
  return pipeline.db.selectFrom('deliveries').selectAll().where('id', '=', uuid).executeTakeFirstOrThrow();
}

function autoDisableEntries(channelId: string) {
  return pipeline.db
    .selectFrom('audit_logs')
    .selectAll()
    .where('action', '=', 'auto_disable')
    .where('resource_id', '=', channelId)
    .execute();
}

describe('the time from ingest to the first success', () => {
  it('is reported on a first success only, whether recorded in a batch or by the fallback', async () => {
    const { channel, deliveries } = await channelWithDeliveries(2);
    const [batched, fallback] = deliveries as [Uuid, Uuid];
    const attempts = writer();
    const retry = await attempts.record(
      attempt(batched, channel.uuid, { kind: 'retry', statusCode: 500, reason: 'HTTP 500' }, false),
    );
    expect(retry).toMatchObject({ kind: 'recorded', status: 'pending', firstSuccessAfterSeconds: null });
    await new Promise((r) => setTimeout(r, 300));
    const firsts = [
      await attempts.record(attempt(batched, channel.uuid, ok)),
      await recordUnrecordable(pipeline.db, attempt(fallback, channel.uuid, ok)),
    ];
    for (const first of firsts) {
      expect(first).toMatchObject({ kind: 'recorded', status: 'succeeded' });
      const seconds = first.kind === 'recorded' ? first.firstSuccessAfterSeconds : null;
      expect(seconds).toBeGreaterThanOrEqual(0.3);
      expect(seconds).toBeLessThan(30);
    }

    // Redelivered (generation 2) and delivered again: not a first success any more.
    await pipeline.db
      .updateTable('deliveries')
      .set((eb) => ({ status: 'pending', generation: eb('generation', '+', 1) }))
      .where('id', 'in', [batched, fallback])
      .execute();
    const again = [
      await attempts.record({ ...attempt(batched, channel.uuid, ok), generation: 2 }),
      await recordUnrecordable(pipeline.db, { ...attempt(fallback, channel.uuid, ok), generation: 2 }),
    ];
    expect(again.map((r) => (r.kind === 'recorded' ? [r.status, r.attempt, r.firstSuccessAfterSeconds] : r))).toEqual([
      ['succeeded', 3, null],
      ['succeeded', 2, null],
    ]);
  });
});

describe('a batch item that fails', () => {
  it('fails alone: the batcher runs the items of a refused batch one by one', async () => {
    const runs: string[][] = [];
    const batcher = createMicroBatcher<string, string>({
      maxBatch: 10,
      maxInFlight: 1,
      async run(items) {
        runs.push(items);
        if (items.includes('bad')) throw new Error('refused');
        return items.map((i) => i.toUpperCase());
      },
    });
    const results = await Promise.allSettled(['a', 'bad', 'b', 'c'].map((i) => batcher.add(i)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : 'rejected'))).toEqual(['A', 'rejected', 'B', 'C']);
    expect(runs[0]).toEqual(['a', 'bad', 'b', 'c']);
    expect(runs.slice(1).every((r) => r.length === 1)).toBe(true);
  });

  it('an answer the database refuses (a NUL byte) settles its delivery with a fixed text; its neighbours are recorded as sent', async () => {
    const { channel, deliveries } = await channelWithDeliveries(8);
    const attempts = writer();
    const [bad, pendingBad, ...good] = deliveries as [Uuid, Uuid, ...Uuid[]];
    const results = await Promise.all([
      attempts.record(attempt(bad, channel.uuid, { kind: 'retry', statusCode: 500, reason: 'HTTP 500: a\u0000b' })),
      attempts.record(
        attempt(pendingBad, channel.uuid, { kind: 'retry', statusCode: 500, reason: 'HTTP 500: \u0000' }, false),
      ),
      ...good.map((uuid) => attempts.record(attempt(uuid, channel.uuid, ok))),
    ]);

    expect(results[0]).toMatchObject({ kind: 'recorded', status: 'failed', fallback: true, attempt: 1 });
    expect(await delivery(bad)).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_status_code: 500,
      last_error: UNRECORDABLE_ATTEMPT,
    });
    // Not the last attempt: it stays pending for the next one, which then settles it.
    expect(results[1]).toMatchObject({ kind: 'recorded', status: 'pending', fallback: true });
    expect(await pipeline.attemptsOf(bad)).toMatchObject([
      { attempt: 1, outcome: 'retry', error: UNRECORDABLE_ATTEMPT },
    ]);
    for (const [i, uuid] of good.entries()) {
      expect(results[i + 2]).toMatchObject({ kind: 'recorded', status: 'succeeded', fallback: false, attempt: 1 });
      expect(await delivery(uuid)).toMatchObject({ status: 'succeeded', attempts: 1, last_error: null });
    }
  });
});

describe('auto-disable', () => {
  it(`counts destination failures: ${AUTO_DISABLE_AFTER} in a row disable the channel with one audit entry, a success resets`, async () => {
    const { channel, deliveries } = await channelWithDeliveries(10);
    const attempts = writer();
    const record = (i: number, outcome: SendOutcome) =>
      attempts.record(attempt(deliveries[i] as Uuid, channel.uuid, outcome));

    for (let i = 0; i < 4; i++) await record(i, destination());
    expect(await pipeline.channel(channel.uuid)).toMatchObject({ enabled: true, consecutive_failures: 4 });
    await record(4, ok);
    expect(await pipeline.channel(channel.uuid)).toMatchObject({ enabled: true, consecutive_failures: 0 });
    const results: RecordedAttempt[] = [];
    for (let i = 5; i < 10; i++) results.push(await record(i, destination(i === 9 ? 401 : 403)));

    const row = await pipeline.channel(channel.uuid);
    expect(row).toMatchObject({ enabled: false, consecutive_failures: 5 });
    expect(row.disabled_reason).toBe('5 consecutive permanent failures; last: HTTP 401: bot was blocked by the user');
    expect(results.slice(0, 4).every((r) => r.kind === 'recorded' && r.disabled === null)).toBe(true);
    expect(results[4]).toMatchObject({ kind: 'recorded', disabled: { reason: row.disabled_reason } });
    const entries = await autoDisableEntries(channel.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_type: 'system', resource_type: 'channel', status: 'error' });
    expect(entries[0]?.metadata).toMatchObject({ provider: 'webhook', reason: row.disabled_reason });
  });

  it('writes one audit entry when several workers see the failures at once', async () => {
    const { channel, deliveries } = await channelWithDeliveries(24);
    const workers = [writer(), writer(), writer()];
    const results = await Promise.all(
      deliveries.map(
        (uuid, i) => workers[i % 3]?.record(attempt(uuid, channel.uuid, destination())) as Promise<RecordedAttempt>,
      ),
    );
    expect(await pipeline.channel(channel.uuid)).toMatchObject({ enabled: false, consecutive_failures: 24 });
    expect(await autoDisableEntries(channel.id)).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'recorded' && r.disabled)).toHaveLength(1);
    expect(results.every((r) => r.kind === 'recorded' && !r.fallback)).toBe(true);
  });

  it("disables at once on a destination gone for good (a webhook's 410)", async () => {
    const { channel, deliveries } = await channelWithDeliveries(1);
    await writer().record(
      attempt(deliveries[0] as Uuid, channel.uuid, {
        kind: 'permanent',
        statusCode: 410,
        reason: 'HTTP 410 (endpoint gone)',
        cause: 'destination',
        disableNow: true,
      }),
    );
    const row = await pipeline.channel(channel.uuid);
    expect(row).toMatchObject({ enabled: false, disabled_reason: 'the destination is gone: HTTP 410 (endpoint gone)' });
    expect(await autoDisableEntries(channel.id)).toHaveLength(1);
  });

  it.each([
    ['message', { cause: 'message' as const }],
    ['other', { cause: 'other' as const }],
  ])('never counts a permanent failure whose cause is %s', async (_name, cause) => {
    const { channel, deliveries } = await channelWithDeliveries(8);
    const attempts = writer();
    await Promise.all(
      deliveries.map((uuid) =>
        attempts.record(
          attempt(uuid, channel.uuid, {
            kind: 'permanent',
            statusCode: 400,
            reason: 'HTTP 400: invalid_blocks',
            ...cause,
          }),
        ),
      ),
    );
    expect(await pipeline.channel(channel.uuid)).toMatchObject({ enabled: true, consecutive_failures: 0 });
    expect((await pipeline.deliveriesOf(channel.uuid)).every((d) => d.status === 'failed')).toBe(true);
    expect(await autoDisableEntries(channel.id)).toHaveLength(0);
  });

  it('never disables without its audit entry: both commit together or not at all', async () => {
    const { channel, deliveries } = await channelWithDeliveries(5);
    const attempts = writer();
    for (let i = 0; i < 4; i++) await attempts.record(attempt(deliveries[i] as Uuid, channel.uuid, destination()));
    // The audit entry cannot be written: the disable must not happen either.
    await sql`ALTER TABLE audit_logs ADD CONSTRAINT no_auto_disable CHECK (action <> 'auto_disable') NOT VALID`.execute(
      pipeline.db,
    );
    try {
      const result = await attempts.record(attempt(deliveries[4] as Uuid, channel.uuid, destination()));
      // The attempt itself still ends its delivery.
      expect(result).toMatchObject({ kind: 'recorded', status: 'failed', fallback: true });
    } finally {
      await sql`ALTER TABLE audit_logs DROP CONSTRAINT no_auto_disable`.execute(pipeline.db);
    }
    expect(await pipeline.channel(channel.uuid)).toMatchObject({ enabled: true, consecutive_failures: 4 });
    expect(await delivery(deliveries[4] as string)).toMatchObject({
      status: 'failed',
      last_error: UNRECORDABLE_ATTEMPT,
    });
    expect(await autoDisableEntries(channel.id)).toHaveLength(0);
  });

  it('counts a message rejection in wrenn_render_rejections_total and logs it as an error', async () => {
    const registry = createMetricsRegistry('worker');
    const metrics = createWorkerMetrics(registry, pipeline.producerQueues, pipeline.db);
    const lines: Array<{ level: number; msg: string; provider?: string }> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const errorLogger = createLogger({ name: 'report', level: 'info', destination: sink });
    const recorded = {
      kind: 'recorded' as const,
      attempt: 1,
      status: 'failed' as const,
      disabled: null,
      fallback: false,
      firstSuccessAfterSeconds: null,
    };
    const report = (outcome: SendOutcome) =>
      reportAttempt(
        { metrics, logger: errorLogger },
        {
          provider: 'slack',
          channelId: newId('channel').id,
          deliveryId: newId('delivery').id,
          outcome,
          final: true,
          latencyMs: 5,
          recorded,
        },
      );
    report({ kind: 'permanent', statusCode: 400, reason: 'HTTP 400: invalid_blocks', cause: 'message' });
    report(destination());
    report({ kind: 'permanent', statusCode: 400, reason: 'HTTP 400', cause: 'other' });

    const text = await registry.metrics();
    expect(text).toMatch(/^wrenn_render_rejections_total\{provider="slack"[^}]*\} 1$/m);
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: 'provider rejected the rendered message', provider: 'slack' });
  });
});

describe('generations', () => {
  it('a late attempt of an earlier generation does not overwrite a redelivery', async () => {
    const { channel, deliveries } = await channelWithDeliveries(1);
    const uuid = deliveries[0] as Uuid;
    await writer().record(attempt(uuid, channel.uuid, { kind: 'retry', statusCode: 503, reason: 'HTTP 503' }));
    // Redelivered (as the API does) while the first job's attempt is still out.
    await pipeline.db
      .updateTable('deliveries')
      .set({ status: 'pending', generation: 2 })
      .where('id', '=', uuid)
      .execute();
    const late = await writer().record(attempt(uuid, channel.uuid, destination()));
    expect(late).toEqual({ kind: 'stale' });
    expect(await delivery(uuid)).toMatchObject({ status: 'pending', generation: 2, attempts: 1 });
    expect(await pipeline.channel(channel.uuid)).toMatchObject({ consecutive_failures: 0 });

    const current = await writer().record({ ...attempt(uuid, channel.uuid, ok), generation: 2 });
    expect(current).toMatchObject({ kind: 'recorded', status: 'succeeded', attempt: 2 });
  });

  it('a succeeded delivery never goes back to pending or failed', async () => {
    const { channel, deliveries } = await channelWithDeliveries(1);
    const uuid = deliveries[0] as Uuid;
    await writer().record(attempt(uuid, channel.uuid, ok));
    // A stalled duplicate of the same job reports a retry, then a final failure.
    expect(
      await writer().record(attempt(uuid, channel.uuid, { kind: 'retry', statusCode: 502, reason: 'x' }, false)),
    ).toEqual({
      kind: 'stale',
    });
    expect(await writer().record(attempt(uuid, channel.uuid, destination()))).toEqual({ kind: 'stale' });
    expect(await delivery(uuid)).toMatchObject({ status: 'succeeded', attempts: 1, last_error: null });
    expect(await pipeline.attemptsOf(uuid)).toHaveLength(1);
  });
});

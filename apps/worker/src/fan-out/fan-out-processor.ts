import type { QuietHours } from '@wrenn/channel-rules';
import type { Database } from '@wrenn/db';
import { formatId, parseId, type Uuid } from '@wrenn/events';
import { type EventJob, ensureDrains, type Queues } from '@wrenn/queues';
import { type Job, UnrecoverableError } from 'bullmq';
import { type Kysely, sql } from 'kysely';
import { createMicroBatcher } from '../batch/micro-batcher';
import { recordFanOutSpan } from '../tracing/fan-out-span';
import type { WorkerMetrics } from '../worker-metrics';
import { createChannelRules, type RuledCandidate } from './channel-rules';

export interface FanOutDeps {
  db: Kysely<Database>;
  /** Each channel's drain goes to its shard's deliveries queue. */
  deliveryQueues: Pick<Queues, 'deliveriesFor'>;
  metrics: WorkerMetrics;
  /** Events fanned out together at most; default 64. */
  maxBatch?: number;
  /**
   * Rows landed in these channels' mailboxes: drains running in this process
   * look again, and their channels (returned) need no drain job.
   */
  landed?: (channelUuids: readonly Uuid[]) => readonly Uuid[];
  /** The wall clock quiet hours are read on; tests move it. Default `Date.now`. */
  clock?: () => number;
}

type ApplyChannelRules = ReturnType<typeof createChannelRules>;

export type FanOutResult =
  | { kind: 'fanned-out'; deliveries: number }
  | { kind: 'already-done' }
  | { kind: 'event-gone' };

/** A batch's answer for one event, with the trace context stored with it (for its fan-out span). */
interface BatchResult {
  result: FanOutResult;
  traceparent: string | null;
}

/**
 * Fans out several events in two round trips whatever their number (bar very
 * large fan-outs; one more when channels have filters or quiet hours, see
 * `createChannelRules`): one statement inserts the missing delivery rows and returns
 * every pending one; a drain running in this process for a channel touched
 * is woken, and `ensureDrains` gives every other channel touched its drain (a
 * channel whose drain is already queued or running keeps it), once the batch
 * started before this one (`earlier`) has done the same. Taking the events out
 * of the outbox is left to the caller, once this has returned.
 */
async function fanOutBatch(
  deps: FanOutDeps,
  applyChannelRules: ApplyChannelRules,
  eventUuids: Uuid[],
  earlier: Promise<void>,
): Promise<BatchResult[]> {
  const ids = [...new Set(eventUuids)];
  // The statement's parts share one snapshot: rows inserted here are returned by
  // `ins` only, rows left pending by an earlier, interrupted run by the third part.
  // Channels with a filter or quiet hours come back as candidates (the last part)
  // for `applyChannelRules`, which inserts the rows they let through.
  const { rows: fetched } = await sql<{
    event_id: Uuid;
    done: boolean;
    delivery_id: Uuid | null;
    channel_id: Uuid | null;
    traceparent: string | null;
    payload: Record<string, unknown> | null;
    rules: {
      event_type: string;
      provider: string;
      filter: string | null;
      quiet_hours: QuietHours | null;
      updated_at: string;
    } | null;
  }>`
    WITH e AS (
      SELECT ev.id, ev.team_id, ev.event_type, ev.channel_id, ev.traceparent, ev.payload, o.event_id IS NULL AS done
      FROM events ev LEFT JOIN outbox o ON o.event_id = ev.id
      WHERE ev.id = any(${ids}::uuid[])
    ),
    subscribed AS (
      SELECT e.id AS event_id, c.id AS channel_id, c.team_id, e.event_type, c.provider, c.filter, c.quiet_hours, c.updated_at
      FROM e
      JOIN channels c ON c.team_id = e.team_id AND c.enabled
        -- Subscriptions are event types or patterns ('*', 'prefix.*'): a channel matches when it
        -- holds any key of the event type; the overlap is served by the GIN index on event_types.
        AND c.event_types && event_subscription_keys(e.event_type)
        -- An event about a channel (channel.disabled) never goes to that channel; others name none.
        AND c.id IS DISTINCT FROM e.channel_id
      WHERE NOT e.done
    ),
    ins AS (
      INSERT INTO deliveries (id, event_id, channel_id, team_id, event_type)
      SELECT gen_random_uuid(), event_id, channel_id, team_id, event_type
      FROM subscribed WHERE filter IS NULL AND quiet_hours IS NULL
      ON CONFLICT (event_id, channel_id) DO NOTHING
      RETURNING id, event_id, channel_id
    )
    SELECT id AS event_id, done, NULL::uuid AS delivery_id, NULL::uuid AS channel_id, traceparent, payload,
      NULL::jsonb AS rules
    FROM e
    UNION ALL
    SELECT event_id, false, id, channel_id, NULL, NULL, NULL FROM ins
    UNION ALL
    SELECT d.event_id, false, d.id, d.channel_id, NULL, NULL, NULL FROM deliveries d JOIN e ON d.event_id = e.id
    WHERE NOT e.done AND d.status = 'pending'
    UNION ALL
    SELECT s.event_id, false, NULL, s.channel_id, NULL, NULL,
      jsonb_build_object('event_type', s.event_type, 'provider', s.provider, 'filter', s.filter,
        'quiet_hours', s.quiet_hours, 'updated_at', s.updated_at)
    FROM subscribed s
    WHERE (s.filter IS NOT NULL OR s.quiet_hours IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = s.event_id AND d.channel_id = s.channel_id)
  `.execute(deps.db);
  const candidates: RuledCandidate[] = [];
  const payloads = new Map<Uuid, Record<string, unknown>>();
  for (const row of fetched) {
    if (row.payload) payloads.set(row.event_id, row.payload);
    if (!row.rules || row.channel_id === null) continue;
    const { event_type, provider, filter, quiet_hours, updated_at } = row.rules;
    candidates.push({
      eventUuid: row.event_id,
      channelUuid: row.channel_id,
      eventType: event_type,
      provider,
      filter,
      quietHours: quiet_hours,
      updatedAt: new Date(updated_at),
    });
  }
  const ruled = await applyChannelRules(candidates, payloads);
  const rows = [
    ...fetched.filter((row) => row.rules === null),
    ...ruled.map((row) => ({ ...row, done: false, traceparent: null })),
  ];

  const events = new Map<Uuid, { done: boolean; deliveries: number; traceparent: string | null }>();
  for (const row of rows) {
    if (row.delivery_id === null) {
      events.set(row.event_id, { done: row.done, deliveries: 0, traceparent: row.traceparent });
    }
  }
  const channels = new Set<Uuid>();
  for (const row of rows) {
    const event = events.get(row.event_id);
    if (row.delivery_id === null || row.channel_id === null || !event || event.done) continue;
    event.deliveries++;
    channels.add(row.channel_id);
  }
  // Two batches run at once and may commit in either order. A drain woken by the later one alone
  // could send its events before the earlier batch's rows land: a chat channel must get them in order.
  await earlier;
  const woken = new Set(deps.landed?.([...channels]) ?? []);
  await ensureDrains(
    deps.deliveryQueues,
    [...channels].filter((uuid) => !woken.has(uuid)).map((uuid) => formatId('channel', uuid)),
  );
  return eventUuids.map((uuid): BatchResult => {
    const event = events.get(uuid);
    if (!event) return { result: { kind: 'event-gone' }, traceparent: null };
    if (event.done) return { result: { kind: 'already-done' }, traceparent: event.traceparent };
    return { result: { kind: 'fanned-out', deliveries: event.deliveries }, traceparent: event.traceparent };
  });
}

/**
 * Event job → one delivery row per enabled channel of the event's team
 * subscribed to its type, and a drain job for each of those channels.
 * Concurrent event jobs are fanned out together (see `fanOutBatch`). Safe to
 * run twice: rows are unique per (event, channel) and drain job ids are channel
 * ids, so a rerun after a crash adds only what is missing. The event leaves the
 * outbox only once every drain is queued.
 */
export function createFanOutProcessor(deps: FanOutDeps) {
  const applyChannelRules = createChannelRules(deps);
  /** Settles once the latest batch started has woken its channels (or failed). */
  let lastWake: Promise<void> = Promise.resolve();
  const batcher = createMicroBatcher<Uuid, BatchResult>({
    maxBatch: deps.maxBatch ?? 64,
    maxInFlight: 2,
    run(eventUuids) {
      const earlier = lastWake;
      const batch = fanOutBatch(deps, applyChannelRules, eventUuids, earlier);
      lastWake = batch.then(
        () => undefined,
        () => undefined,
      );
      return batch;
    },
  });
  // A batcher of its own, so the next events' fan-out does not wait for this update.
  const outbox = createMicroBatcher<Uuid, void>({
    maxBatch: 256,
    maxInFlight: 1,
    async run(eventUuids) {
      await deps.db
        .deleteFrom('outbox')
        .where(sql<boolean>`event_id = any(${[...new Set(eventUuids)]}::uuid[])`)
        .execute();
      return eventUuids.map(() => undefined);
    },
  });
  return async function fanOut(job: Job<EventJob>): Promise<FanOutResult> {
    const eventUuid = parseId('event', job.data.eventId);
    if (!eventUuid) throw new UnrecoverableError(`malformed event id ${job.data.eventId}`);
    const startedAt = Date.now();
    const { result, traceparent } = await batcher.add(eventUuid);
    // Only once every job is queued does the event leave the outbox.
    if (result.kind === 'fanned-out') {
      await outbox.add(eventUuid);
      deps.metrics.eventsFannedOut.inc();
      recordFanOutSpan({ eventId: job.data.eventId, traceparent, startedAt, deliveries: result.deliveries });
    }
    return result;
  };
}

import type { Database } from '@wrenn/db';
import type { Queues } from '@wrenn/queues';
import { Counter, Gauge, Histogram, type Registry, withTimeout } from '@wrenn/runtime';
import type { Kysely } from 'kysely';

/** What the worker reports on /metrics besides the process metrics. */
export interface WorkerMetrics {
  /** Attempts by provider and outcome: `succeeded`, `retry` (another attempt follows) or `failed` (final). */
  deliveries: Counter<'provider' | 'outcome'>;
  attemptDuration: Histogram<'provider'>;
  /** From the event's ingest to its delivery's first successful attempt. */
  deliveryLatency: Histogram<'provider'>;
  eventsFannedOut: Counter;
  /** Filter evaluations that erred (a missing key…), per channel; such an event is not delivered there. */
  filterErrors: Counter<'channel'>;
  relayRequeued: Counter<'kind'>;
  /** Rows deleted by retention, per table. */
  retentionPruned: Counter<'table'>;
  channelsAutoDisabled: Counter<'provider'>;
  /** 429 answers; each pauses its destination. */
  rateLimited: Counter<'provider'>;
  /** Deliveries failed after waiting `WRENN_MAX_RATE_LIMIT_WAIT` on a rate limit. */
  rateLimitGaveUp: Counter<'provider'>;
  /** Permanent failures where the provider refused the message we rendered (our bug, never the destination's). */
  renderRejections: Counter<'provider'>;
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

export function createWorkerMetrics(
  registry: Registry,
  queues: Pick<Queues, 'events' | 'allDeliveries'>,
  db: Kysely<Database>,
): WorkerMetrics {
  const registers = [registry];
  new Gauge({
    name: 'wrenn_queue_oldest_waiting_seconds',
    help: 'Age of the oldest job waiting per queue (0 when none waits)',
    labelNames: ['queue'],
    registers,
    async collect() {
      const now = Date.now();
      for (const [name, list] of [
        ['events', [queues.events]],
        ['deliveries', queues.allDeliveries],
      ] as const) {
        // Over every shard: the oldest waiting job of any of them.
        const found = await Promise.all(list.map((queue) => oldestWaiting(queue)));
        if (found.some((jobs) => jobs === null)) continue;
        const stamps = found.flatMap((jobs) => jobs ?? []).map((job) => job.timestamp);
        this.set({ queue: name }, stamps.length > 0 ? Math.max(0, (now - Math.min(...stamps)) / 1000) : 0);
      }
    },
  });
  new Gauge({
    name: 'wrenn_outbox_pending_events',
    help: 'Events stored but not yet fanned out (the outbox backlog)',
    registers,
    async collect() {
      const row = await withTimeout(
        db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<string>().as('pending'))
          .executeTakeFirst(),
        1_000,
      ).catch(() => null);
      if (row) this.set(Number(row.pending));
    },
  });
  new Gauge({
    name: 'wrenn_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers,
    async collect() {
      // A scrape must not hang while Redis is away.
      const counts = await withTimeout(
        Promise.all([queues.events, ...queues.allDeliveries].map((queue) => queue.getJobCounts(...QUEUE_STATES))),
        1_000,
      ).catch(() => null);
      if (!counts) return;
      const [events, ...shards] = counts;
      for (const state of QUEUE_STATES) {
        this.set({ queue: 'events', state }, events?.[state] ?? 0);
        // Summed over the shards: the deliveries queue as a whole.
        this.set(
          { queue: 'deliveries', state },
          shards.reduce((sum, shard) => sum + (shard[state] ?? 0), 0),
        );
      }
    },
  });
  return {
    deliveries: new Counter({
      name: 'wrenn_delivery_attempts_total',
      help: 'Delivery attempts by provider and outcome (succeeded, retry, failed)',
      labelNames: ['provider', 'outcome'],
      registers,
    }),
    attemptDuration: new Histogram({
      name: 'wrenn_delivery_attempt_duration_seconds',
      help: 'Time from request to the provider answer, per attempt',
      labelNames: ['provider'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    deliveryLatency: new Histogram({
      name: 'wrenn_event_delivery_latency_seconds',
      help: "Time from an event's ingest to its delivery's first successful attempt, per provider",
      labelNames: ['provider'],
      // Dense around one second, so "delivered within a second" reads straight off a bucket.
      buckets: [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30],
      registers,
    }),
    eventsFannedOut: new Counter({
      name: 'wrenn_events_fanned_out_total',
      help: 'Events fanned out to deliveries',
      registers,
    }),
    filterErrors: new Counter({
      name: 'wrenn_filter_errors_total',
      help: "Events whose evaluation of a channel's filter erred (a missing key…) and were therefore not delivered there",
      labelNames: ['channel'],
      registers,
    }),
    relayRequeued: new Counter({
      name: 'wrenn_relay_requeued_total',
      help: 'Jobs the outbox relay put back on a queue (kind: event, drain)',
      labelNames: ['kind'],
      registers,
    }),
    retentionPruned: new Counter({
      name: 'wrenn_retention_pruned_rows_total',
      help: 'Rows deleted by retention, per table',
      labelNames: ['table'],
      registers,
    }),
    channelsAutoDisabled: new Counter({
      name: 'wrenn_channels_auto_disabled_total',
      help: 'Channels disabled after permanent failures',
      labelNames: ['provider'],
      registers,
    }),
    rateLimited: new Counter({
      name: 'wrenn_rate_limited_total',
      help: 'Answers saying 429; each pauses its whole destination in every worker',
      labelNames: ['provider'],
      registers,
    }),
    rateLimitGaveUp: new Counter({
      name: 'wrenn_rate_limit_gave_up_total',
      help: 'Deliveries failed after waiting WRENN_MAX_RATE_LIMIT_WAIT on their destination rate limit',
      labelNames: ['provider'],
      registers,
    }),
    renderRejections: new Counter({
      name: 'wrenn_render_rejections_total',
      help: 'Deliveries a provider refused because of the message itself (invalid blocks, bad entities, too large)',
      labelNames: ['provider'],
      registers,
    }),
  };
}

/** The oldest waiting job (asc = true lists the oldest first), or null when Redis does not answer in time. */
function oldestWaiting(queue: {
  getJobs(types: ['waiting'], start: number, end: number, asc: boolean): Promise<Array<{ timestamp: number }>>;
}) {
  return withTimeout(queue.getJobs(['waiting'], 0, 0, true), 1_000).catch(() => null);
}

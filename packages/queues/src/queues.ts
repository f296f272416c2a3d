import type { ChannelId } from '@wrenn/events';
import { Queue } from 'bullmq';
import { type DrainJob, type EventJob, JOB_RETENTION, QUEUES } from './jobs';
import { deliveriesPrefix, eventsPrefix, type QueueLayout, queueLayout, shardOf } from './queue-shards';
import type { RedisConnection } from './redis-connection';

/**
 * The events queue and the deliveries queue of every shard. Callers ask for a
 * channel's queue instead of computing prefixes: a channel always lands in the
 * same shard, which keeps its order and its drain job in one place.
 */
export interface Queues {
  events: Queue<EventJob>;
  /** The deliveries queue of the channel's shard. */
  deliveriesFor(channelId: ChannelId): Queue<DrainJob>;
  /** The channel's shard index. */
  shardOf(channelId: ChannelId): number;
  /** Every shard's deliveries queue, indexed by shard. */
  allDeliveries: readonly Queue<DrainJob>[];
  layout: QueueLayout;
  close(): Promise<void>;
}

/**
 * All queues on one connection. A bare prefix (tests use one each) means one
 * shard on one server, keyed as in earlier releases.
 */
export function createQueues(connection: RedisConnection, layout: QueueLayout | string): Queues {
  const resolved = typeof layout === 'string' ? queueLayout(layout) : layout;
  const options = { connection, defaultJobOptions: { ...JOB_RETENTION } };
  const events = new Queue<EventJob>(QUEUES.events, { ...options, prefix: eventsPrefix(resolved) });
  const allDeliveries = Array.from(
    { length: resolved.shards },
    (_, shard) => new Queue<DrainJob>(QUEUES.deliveries, { ...options, prefix: deliveriesPrefix(resolved, shard) }),
  );
  const shardFor = (channelId: ChannelId) => shardOf(channelId, resolved.shards);
  return {
    events,
    deliveriesFor: (channelId) => allDeliveries[shardFor(channelId)] as Queue<DrainJob>,
    shardOf: shardFor,
    allDeliveries,
    layout: resolved,
    async close() {
      await Promise.allSettled([events, ...allDeliveries].map((queue) => queue.close()));
    },
  };
}

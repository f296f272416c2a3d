import type { Migration } from 'kysely';
import * as initial from './2026-11-27_001_initial';
import * as pendingDeliveries from './2026-11-27_002_pending_deliveries';
import * as outboxAndRetention from './2026-11-30_001_outbox_and_retention';
import * as idempotencyKeys from './2026-11-30_002_idempotency_keys';
import * as deliveryGeneration from './2026-11-30_003_delivery_generation';
import * as channelMailbox from './2026-11-30_004_channel_mailbox';
import * as secretRotation from './2026-11-30_005_secret_rotation';
import * as dropEventsIntoOutbox from './2026-12-04_001_drop_events_into_outbox';
import * as channelFilters from './2026-12-04_010_channel_filters';
import * as deliveryLogFilters from './2026-12-04_020_delivery_log_filters';
import * as eventTraceparent from './2026-12-04_021_event_traceparent';
import * as resourceMessages from './2026-12-05_001_resource_messages';

/**
 * Every migration, by name. A static map (not a folder scan) so migrations
 * run the same under tsx, vitest and a bundled `dist`.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-27_001_initial': initial,
  '2026-11-27_002_pending_deliveries': pendingDeliveries,
  '2026-11-30_001_outbox_and_retention': outboxAndRetention,
  '2026-11-30_002_idempotency_keys': idempotencyKeys,
  '2026-11-30_003_delivery_generation': deliveryGeneration,
  '2026-11-30_004_channel_mailbox': channelMailbox,
  '2026-11-30_005_secret_rotation': secretRotation,
  '2026-12-04_001_drop_events_into_outbox': dropEventsIntoOutbox,
  '2026-12-04_010_channel_filters': channelFilters,
  '2026-12-04_020_delivery_log_filters': deliveryLogFilters,
  '2026-12-04_021_event_traceparent': eventTraceparent,
  '2026-12-05_001_resource_messages': resourceMessages,
};

import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<Record<string, unknown>, string, string>;

/** Notification channels. `config` maps each key to its sealed value (see @wrenn/crypto). */
export interface ChannelTable {
  id: string;
  team_id: string;
  name: string;
  provider: string;
  config: ColumnType<Record<string, string>, string, string>;
  event_types: string[];
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  /** Permanent failures in a row; a success resets it, five disable the channel. */
  consecutive_failures: Generated<number>;
  /**
   * Set while a rotated-out webhook secret still signs (kept sealed in `config`
   * under `previous_secret`); once past, that secret is ignored and then dropped.
   */
  previous_secret_expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** A CEL expression over the event; an event for which it is not true gets no delivery here. */
  filter: ColumnType<string | null, string | null | undefined, string | null>;
  /** `{timezone, start, end, days, urgent}` (defaults filled in): deliveries wait for the window's end. */
  quiet_hours: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  /** `each` (a message per event or burst) or `resource` (one message per resource, kept up to date). */
  message_style: ColumnType<string, string | undefined, string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AuditLogTable {
  id: string;
  team_id: string;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  resource_type: string;
  resource_id: string | null;
  action: string;
  scope: string;
  status: string;
  metadata: Json;
  created_at: CreatedAt;
}

/**
 * Event payloads, written in the same statement as their audit row. Kept while a
 * delivery uses them: pruning audit entries never touches them.
 */
export interface EventTable {
  id: string;
  team_id: string;
  /** The audit entry it came from; that entry may since have been pruned. */
  audit_log_id: string;
  event_type: string;
  /** The channel the event is about (`channel.disabled`): fan-out never sends it there. */
  channel_id: string | null;
  /** The webhook body (EventPayload). */
  payload: Json;
  /** The W3C `traceparent` of the ingest request, when it carried one. */
  traceparent: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
}

/**
 * Events still to be fanned out: a row is written with its event and removed
 * once every delivery job of the event is queued.
 */
export interface OutboxTable {
  event_id: string;
  created_at: CreatedAt;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event to one channel; its id is stable across retries and redeliveries. */
export interface DeliveryTable {
  id: string;
  event_id: string;
  channel_id: string;
  team_id: string;
  event_type: string;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: Generated<number>;
  /**
   * Starts at 1; each redelivery adds one. Jobs carry the generation they were
   * queued for and only a job of the current generation may change the row.
   */
  generation: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  delivered_at: Date | null;
  /** Times the relay had to give this pending delivery's channel a new drain; past a limit it fails. */
  relay_requeues: Generated<number>;
  /** Not sent before this time: now for a new or redelivered row, later while a retry delay runs. */
  ready_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Attempts of the retry schedule used in this generation (answers other than 429). */
  failures: Generated<number>;
  /** Set while a drain has taken the row: no other drain takes it before this time. */
  claimed_until: Date | null;
}

export type AttemptOutcome = 'succeeded' | 'retry' | 'permanent';

/** Every attempt of a delivery, for the delivery log and for debugging. */
export interface DeliveryAttemptTable {
  id: Generated<string>;
  delivery_id: string;
  attempt: number;
  outcome: AttemptOutcome;
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  created_at: CreatedAt;
}

/**
 * The answer given to an ingestion request carrying an `Idempotency-Key`; a
 * repeat of the key within 24 hours gets it again. Older rows are pruned.
 */
export interface IdempotencyKeyTable {
  key: string;
  /** The response body, `{"ids":[…]}`. */
  response: Json;
  /** Set again when a key older than 24 hours is used anew. */
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/**
 * Resource style: the message that shows a resource in a channel. The
 * reference is the provider's message ids (never a credential) and is never
 * exposed through the API. Resources that went out together share one
 * message, found through `message_key` (the reference as canonical JSON).
 */
export interface ResourceMessageTable {
  channel_id: string;
  resource_type: string;
  resource_id: string;
  message_ref: ColumnType<Record<string, string>, string, string>;
  message_key: string;
  /** When the referenced message was posted: past `WRENN_EDIT_WINDOW` it is not edited any more. */
  message_posted_at: ColumnType<Date, Date | string, Date | string>;
  /** The events the message shows for this resource (webhook JSON), oldest first, capped. */
  events: ColumnType<Record<string, unknown>[], string, string>;
  /** Earlier events no longer kept. */
  earlier: Generated<number>;
  /** The resource's place on its message (resources sharing a message are shown in this order). */
  position: Generated<number>;
  /** Last stored; rows not updated within the delivery retention are pruned. */
  updated_at: UpdatedAt;
}

export interface Database {
  channels: ChannelTable;
  audit_logs: AuditLogTable;
  events: EventTable;
  outbox: OutboxTable;
  deliveries: DeliveryTable;
  delivery_attempts: DeliveryAttemptTable;
  idempotency_keys: IdempotencyKeyTable;
  resource_messages: ResourceMessageTable;
}

export type Channel = Selectable<ChannelTable>;
export type NewChannel = Insertable<ChannelTable>;
export type ChannelUpdate = Updateable<ChannelTable>;
export type AuditLog = Selectable<AuditLogTable>;
export type NewAuditLog = Insertable<AuditLogTable>;
export type EventRow = Selectable<EventTable>;
export type NewEvent = Insertable<EventTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type Delivery = Selectable<DeliveryTable>;
export type NewDelivery = Insertable<DeliveryTable>;
export type DeliveryUpdate = Updateable<DeliveryTable>;
export type DeliveryAttempt = Selectable<DeliveryAttemptTable>;
export type NewDeliveryAttempt = Insertable<DeliveryAttemptTable>;
export type IdempotencyKey = Selectable<IdempotencyKeyTable>;
export type ResourceMessage = Selectable<ResourceMessageTable>;

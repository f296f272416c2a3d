import type { Database, DeliveryStatus } from '@wrenn/db';
import type { SendOutcome } from '@wrenn/providers';
import { type Kysely, sql } from 'kysely';
import { createMicroBatcher } from '../batch/micro-batcher';

/** Permanent failures in a row after which a channel is disabled (CONTRACT 6). */
export const AUTO_DISABLE_AFTER = 5;

export interface AttemptInput {
  deliveryUuid: string;
  channelUuid: string;
  outcome: SendOutcome;
  /** No attempt follows this one (permanent failure or the schedule's last). */
  final: boolean;
  latencyMs: number;
  /** Whether a permanent failure counts towards auto-disable (not for our own decryption trouble). */
  countsTowardsDisable: boolean;
  /** The new config, sealed, when the provider asked to store one. */
  sealedConfigUpdate?: Record<string, string> | undefined;
}

export interface RecordedAttempt {
  /** The attempt's number over the delivery's whole life (redeliveries included). */
  attempt: number;
  status: DeliveryStatus;
  /** Set when this attempt disabled the channel. */
  disabled: { reason: string; teamUuid: string; name: string; provider: string } | null;
}

function autoDisableReason(outcome: SendOutcome, failures: number): string | null {
  if (outcome.kind !== 'permanent') return null;
  if (outcome.disableNow) return `the destination is gone: ${outcome.reason}`;
  if (failures >= AUTO_DISABLE_AFTER) return `${failures} consecutive permanent failures; last: ${outcome.reason}`;
  return null;
}

/**
 * Records one attempt in a single transaction: the attempt row, the delivery's
 * status, the channel's failure count (a success resets it, permanent failures
 * add up to auto-disable) and a config the provider asked to keep.
 * `null` when the delivery was deleted meanwhile (its channel went away).
 */
export async function recordAttempt(db: Kysely<Database>, input: AttemptInput): Promise<RecordedAttempt | null> {
  const { outcome } = input;
  const ok = outcome.kind === 'ok';
  const status: DeliveryStatus = ok ? 'succeeded' : input.final ? 'failed' : 'pending';
  const error = outcome.kind === 'ok' ? null : outcome.reason;
  const now = new Date();

  return db.transaction().execute(async (trx) => {
    const delivery = await trx
      .updateTable('deliveries')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        status,
        last_status_code: outcome.statusCode,
        last_error: error,
        updated_at: now,
        ...(ok ? { delivered_at: now } : {}),
      }))
      .where('id', '=', input.deliveryUuid)
      .returning('attempts')
      .executeTakeFirst();
    if (!delivery) return null;

    await trx
      .insertInto('delivery_attempts')
      .values({
        delivery_id: input.deliveryUuid,
        attempt: delivery.attempts,
        outcome: ok ? 'succeeded' : outcome.kind,
        status_code: outcome.statusCode,
        error,
        latency_ms: input.latencyMs,
        created_at: now,
      })
      .execute();

    let disabled: RecordedAttempt['disabled'] = null;
    if (ok) {
      if (input.sealedConfigUpdate) {
        await trx
          .updateTable('channels')
          .set({ config: JSON.stringify(input.sealedConfigUpdate), consecutive_failures: 0, updated_at: now })
          .where('id', '=', input.channelUuid)
          .execute();
      } else {
        // Only touch the row when there is a count to reset: a busy channel's row stays cold.
        await trx
          .updateTable('channels')
          .set({ consecutive_failures: 0 })
          .where('id', '=', input.channelUuid)
          .where('consecutive_failures', '<>', 0)
          .execute();
      }
    } else if (outcome.kind === 'permanent' && input.countsTowardsDisable) {
      const channel = await trx
        .updateTable('channels')
        .set((eb) => ({ consecutive_failures: eb('consecutive_failures', '+', 1) }))
        .where('id', '=', input.channelUuid)
        .returning(['consecutive_failures', 'enabled'])
        .executeTakeFirst();
      const reason = channel?.enabled ? autoDisableReason(outcome, channel.consecutive_failures) : null;
      if (reason) {
        const row = await trx
          .updateTable('channels')
          .set({ enabled: false, disabled_reason: reason, updated_at: now })
          .where('id', '=', input.channelUuid)
          .where('enabled', '=', true)
          .returning(['team_id', 'name', 'provider'])
          .executeTakeFirst();
        if (row) disabled = { reason, teamUuid: row.team_id, name: row.name, provider: row.provider };
      }
    }
    return { attempt: delivery.attempts, status, disabled };
  });
}

/** Ends a delivery without an attempt (its channel was disabled before it ran). */
export async function failWithoutAttempt(db: Kysely<Database>, deliveryUuid: string, reason: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status: 'failed', last_error: reason, updated_at: new Date() })
    .where('id', '=', deliveryUuid)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * Whether an attempt can be written with others in one statement: it touches
 * the channel at most to reset its failure count. Permanent failures that
 * count towards auto-disable and config updates go through `recordAttempt`.
 */
export function isBatchable(input: AttemptInput): boolean {
  const { outcome } = input;
  if (outcome.kind === 'ok') return !input.sealedConfigUpdate;
  return outcome.kind === 'retry' || !input.countsTowardsDisable;
}

/**
 * Records batchable attempts (see `isBatchable`) of distinct deliveries in one
 * statement, hence one transaction: per delivery the same changes as
 * `recordAttempt`. Results are in input order.
 */
export async function recordAttempts(
  db: Kysely<Database>,
  inputs: readonly AttemptInput[],
): Promise<Array<RecordedAttempt | null>> {
  const now = new Date();
  const rows = inputs.map((input) => {
    const { outcome } = input;
    const ok = outcome.kind === 'ok';
    const status: DeliveryStatus = ok ? 'succeeded' : input.final ? 'failed' : 'pending';
    return { input, ok, status, error: ok ? null : outcome.reason };
  });
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  const result = await sql<{ id: string; attempts: number }>`
    WITH input AS (
      SELECT * FROM unnest(
        ${column((r) => r.input.deliveryUuid)}::uuid[],
        ${column((r) => r.status)}::text[],
        ${column((r) => r.input.outcome.statusCode)}::int[],
        ${column((r) => r.error)}::text[],
        ${column((r) => (r.ok ? 'succeeded' : r.input.outcome.kind))}::text[],
        ${column((r) => r.input.latencyMs)}::int[],
        ${column((r) => r.ok)}::boolean[]
      ) AS i(id, status, status_code, error, outcome, latency_ms, ok)
    ),
    updated AS (
      UPDATE deliveries d
      SET attempts = d.attempts + 1, status = i.status, last_status_code = i.status_code, last_error = i.error,
          updated_at = ${now}::timestamptz, delivered_at = CASE WHEN i.ok THEN ${now}::timestamptz ELSE d.delivered_at END
      FROM input i
      WHERE d.id = i.id
      RETURNING d.id, d.attempts, d.channel_id, i.outcome, i.status_code, i.error, i.latency_ms, i.ok
    ),
    attempts AS (
      INSERT INTO delivery_attempts (delivery_id, attempt, outcome, status_code, error, latency_ms, created_at)
      SELECT id, attempts, outcome, status_code, error, latency_ms, ${now}::timestamptz FROM updated
    ),
    -- Only rows with a count to reset are touched: a busy channel's row stays cold.
    reset AS (
      UPDATE channels c SET consecutive_failures = 0
      WHERE c.id IN (SELECT channel_id FROM updated WHERE ok) AND c.consecutive_failures <> 0
    )
    SELECT id, attempts FROM updated
  `.execute(db);
  const attempts = new Map(result.rows.map((r) => [r.id, r.attempts]));
  return rows.map(({ input, status }) => {
    const attempt = attempts.get(input.deliveryUuid);
    return attempt === undefined ? null : { attempt, status, disabled: null };
  });
}

export interface AttemptWriter {
  /** Resolves once the attempt is committed. */
  record(input: AttemptInput): Promise<RecordedAttempt | null>;
}

/**
 * Group commit for attempts: what concurrent deliveries finish within one turn
 * of the event loop (and while the previous batch commits) is written in one
 * statement. Each job still waits for its own commit before it completes.
 */
export function createAttemptWriter(db: Kysely<Database>, options: { maxBatch?: number } = {}): AttemptWriter {
  const batcher = createMicroBatcher<AttemptInput, RecordedAttempt | null>({
    maxBatch: options.maxBatch ?? 256,
    maxInFlight: 2,
    keyOf: (input) => input.deliveryUuid,
    run: (inputs) => recordAttempts(db, inputs),
  });
  return {
    record: (input) => (isBatchable(input) ? batcher.add(input) : recordAttempt(db, input)),
  };
}

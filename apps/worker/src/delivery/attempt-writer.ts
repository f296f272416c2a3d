import type { AuditLogger } from '@wrenn/audit';
import type { AttemptOutcome, Database, DeliveryStatus } from '@wrenn/db';
import { formatId, type Uuid } from '@wrenn/events';
import type { SendOutcome } from '@wrenn/providers';
import type { Logger } from '@wrenn/runtime';
import { type Kysely, sql, type Transaction } from 'kysely';
import { createMicroBatcher } from '../batch/micro-batcher';
import type { AttemptDecision } from '../retry-schedule';
import {
  applyChannelChanges,
  channelChanges,
  type DisabledChannel,
  permanentCause,
  touchesChannel,
} from './auto-disable';

/** What is stored when an attempt's own values cannot be written (never the provider's text). */
export const UNRECORDABLE_ATTEMPT = 'the attempt could not be recorded';

export interface AttemptInput {
  deliveryUuid: Uuid;
  /** The delivery generation the row was claimed in; the row must still be in it. */
  generation: number;
  channelUuid: Uuid;
  outcome: SendOutcome;
  /** What the outcome means for the delivery (`decideAttempt`). */
  decision: AttemptDecision;
  /** When the row may be tried again; `null`: `ready_at` stays. */
  readyAt: Date | null;
  latencyMs: number;
  /** The new config, sealed, when the provider asked to store one. */
  sealedConfigUpdate?: Record<string, string> | undefined;
}

export type RecordedAttempt =
  | {
      kind: 'recorded';
      /** The attempt's number over the delivery's whole life (redeliveries included). */
      attempt: number;
      status: DeliveryStatus;
      /** Set when this attempt disabled the channel (its audit entry is committed with it). */
      disabled: DisabledChannel | null;
      /** The attempt's values could not be stored; the delivery got `UNRECORDABLE_ATTEMPT` instead. */
      fallback: boolean;
      /**
       * Seconds from the event's ingest (its stored creation time) to this
       * attempt, set only on the delivery's first success: a redelivery of a
       * delivered row does not count again.
       */
      firstSuccessAfterSeconds: number | null;
    }
  /** The delivery moved on (a newer generation, already settled, or deleted): nothing was changed. */
  | { kind: 'stale' };

/** The attempt row's `outcome`. */
function attemptOutcome(input: AttemptInput): AttemptOutcome {
  return input.outcome.kind === 'ok' ? 'succeeded' : input.outcome.kind;
}

function statusAfter(input: AttemptInput): DeliveryStatus {
  if (!input.decision.final) return 'pending';
  return input.outcome.kind === 'ok' ? 'succeeded' : 'failed';
}

export interface RecordAttemptsDeps {
  db: Kysely<Database>;
  audit: Pick<AuditLogger, 'within'>;
  /**
   * Enqueues the `channel.disabled` events of channels disabled by a batch, once
   * it has committed. It may fail: the events stay in the outbox for the relay.
   */
  publish?: (eventIds: string[]) => Promise<void>;
}

/**
 * Records the attempts of distinct deliveries, all or nothing. Per delivery:
 * the attempt row and the delivery's new status, only while the delivery is
 * still `pending` in the attempt's generation (a stalled duplicate or a late
 * job of an earlier generation changes nothing). Per channel: a success
 * resets the failure count and stores a config the provider handed back;
 * destination failures add up, and the fifth in a row (or a destination gone
 * for good) disables the channel and writes its `channel / auto_disable`
 * audit entry in the same transaction. Results are in input order.
 */
export async function recordAttempts(
  deps: RecordAttemptsDeps,
  inputs: readonly AttemptInput[],
): Promise<RecordedAttempt[]> {
  // The common batch (successes and retries) is one statement; a transaction
  // only when an attempt may change its channel beyond the reset.
  if (!inputs.some(touchesChannel)) return writeAttempts(deps.db, inputs);
  const recorded = await deps.db.transaction().execute(async (trx) => {
    const results = await writeAttempts(trx, inputs);
    const applied = inputs.filter((_, i) => results[i]?.kind === 'recorded');
    const disabled = await applyChannelChanges(trx, deps.audit, channelChanges(applied));
    // The disable is reported once, by the batch's last attempt that counted against the channel.
    const reporters = new Map<Uuid, number>();
    inputs.forEach((input, i) => {
      if (results[i]?.kind === 'recorded' && permanentCause(input.outcome) === 'destination') {
        reporters.set(input.channelUuid, i);
      }
    });
    return results.map((result, i) => {
      const input = inputs[i] as AttemptInput;
      const channel = disabled.get(input.channelUuid);
      if (result.kind !== 'recorded' || !channel || reporters.get(input.channelUuid) !== i) return result;
      return { ...result, disabled: channel };
    });
  });
  // The team hears of a disable as it happens, not at the relay's next pass.
  const eventIds = recorded.flatMap((r) => (r.kind === 'recorded' && r.disabled ? r.disabled.eventIds : []));
  if (eventIds.length > 0) await deps.publish?.(eventIds).catch(() => {});
  return recorded;
}

async function writeAttempts(
  db: Kysely<Database> | Transaction<Database>,
  inputs: readonly AttemptInput[],
): Promise<RecordedAttempt[]> {
  const now = new Date();
  const rows = inputs.map((input) => {
    const { outcome } = input;
    return {
      input,
      ok: outcome.kind === 'ok',
      status: statusAfter(input),
      error: outcome.kind === 'ok' ? null : outcome.reason,
    };
  });
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  const result = await sql<{ id: Uuid; attempts: number; first_success_after_s: number | null }>`
    WITH input AS (
      SELECT * FROM unnest(
        ${column((r) => r.input.deliveryUuid)}::uuid[],
        ${column((r) => r.input.generation)}::int[],
        ${column((r) => r.status)}::text[],
        ${column((r) => r.input.outcome.statusCode)}::int[],
        ${column((r) => r.error)}::text[],
        ${column((r) => attemptOutcome(r.input))}::text[],
        ${column((r) => r.input.latencyMs)}::int[],
        ${column((r) => r.ok)}::boolean[],
        ${column((r) => r.input.decision.scheduled)}::boolean[],
        ${column((r) => r.input.readyAt)}::timestamptz[]
      ) AS i(id, generation, status, status_code, error, outcome, latency_ms, ok, scheduled, ready_at)
    ),
    -- Successes only: whether the row was ever delivered before, and when its event was ingested.
    before AS (
      SELECT d.id, d.delivered_at IS NULL AS first, e.created_at AS ingested_at
      FROM deliveries d JOIN events e ON e.id = d.event_id
      WHERE d.id IN (SELECT id FROM input WHERE ok)
    ),
    updated AS (
      UPDATE deliveries d
      SET attempts = d.attempts + 1, status = i.status, last_status_code = i.status_code, last_error = i.error,
          updated_at = ${now}::timestamptz, delivered_at = CASE WHEN i.ok THEN ${now}::timestamptz ELSE d.delivered_at END,
          failures = d.failures + CASE WHEN i.scheduled THEN 1 ELSE 0 END,
          ready_at = COALESCE(i.ready_at, d.ready_at), claimed_until = NULL
      FROM input i LEFT JOIN before b ON b.id = i.id
      WHERE d.id = i.id AND d.generation = i.generation AND d.status = 'pending'
      RETURNING d.id, d.attempts, d.channel_id, i.outcome, i.status_code, i.error, i.latency_ms, i.ok,
        CASE WHEN b.first THEN extract(epoch FROM statement_timestamp() - b.ingested_at)::float8 END AS first_success_after_s
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
    SELECT id, attempts, first_success_after_s FROM updated
  `.execute(db);
  const updated = new Map(result.rows.map((r) => [r.id, r]));
  return rows.map(({ input, status }): RecordedAttempt => {
    const row = updated.get(input.deliveryUuid);
    if (row === undefined) return { kind: 'stale' };
    return {
      kind: 'recorded',
      attempt: row.attempts,
      status,
      disabled: null,
      fallback: false,
      firstSuccessAfterSeconds: row.first_success_after_s,
    };
  });
}

/**
 * The last resort for an attempt whose values the database refused: the same
 * status change with a fixed text instead of the provider's answer, so the
 * delivery still settles. Leaves the channel alone. Throws only when the
 * database itself is unavailable (the job then retries).
 */
export async function recordUnrecordable(db: Kysely<Database>, input: AttemptInput): Promise<RecordedAttempt> {
  const { outcome } = input;
  const ok = outcome.kind === 'ok';
  const status = statusAfter(input);
  const error = ok ? null : UNRECORDABLE_ATTEMPT;
  const code = outcome.statusCode;
  const statusCode = code !== null && Number.isInteger(code) && code >= 0 && code < 1000 ? code : null;
  const latencyMs =
    Number.isInteger(input.latencyMs) && input.latencyMs >= 0 ? Math.min(input.latencyMs, 2 ** 31 - 1) : 0;
  const now = new Date();
  const { rows } = await sql<{ attempt: number; first_success_after_s: number | null }>`
    WITH before AS (
      SELECT d.delivered_at IS NULL AND ${ok} AS first, e.created_at AS ingested_at
      FROM deliveries d JOIN events e ON e.id = d.event_id
      WHERE d.id = ${input.deliveryUuid}::uuid
    ),
    updated AS (
      UPDATE deliveries
      SET attempts = attempts + 1, status = ${status}, last_status_code = ${statusCode}::int, last_error = ${error}::text,
          updated_at = ${now}::timestamptz, delivered_at = CASE WHEN ${ok} THEN ${now}::timestamptz ELSE delivered_at END,
          failures = failures + ${input.decision.scheduled ? 1 : 0}::int,
          ready_at = COALESCE(${input.readyAt}::timestamptz, ready_at), claimed_until = NULL
      WHERE id = ${input.deliveryUuid}::uuid AND generation = ${input.generation}::int AND status = 'pending'
      RETURNING id, attempts
    )
    INSERT INTO delivery_attempts (delivery_id, attempt, outcome, status_code, error, latency_ms, created_at)
    SELECT id, attempts, ${attemptOutcome(input)}, ${statusCode}::int, ${error}::text, ${latencyMs}::int,
           ${now}::timestamptz
    FROM updated
    RETURNING attempt,
      (SELECT extract(epoch FROM statement_timestamp() - ingested_at)::float8 FROM before WHERE first) AS first_success_after_s
  `.execute(db);
  const row = rows[0];
  if (!row) return { kind: 'stale' };
  return {
    kind: 'recorded',
    attempt: row.attempt,
    status,
    disabled: null,
    fallback: true,
    firstSuccessAfterSeconds: row.first_success_after_s,
  };
}

export interface AttemptWriter {
  /** Resolves once the attempt is committed. */
  record(input: AttemptInput): Promise<RecordedAttempt>;
}

export interface AttemptWriterOptions {
  db: Kysely<Database>;
  audit: Pick<AuditLogger, 'within'>;
  publish?: RecordAttemptsDeps['publish'];
  logger: Logger;
  maxBatch?: number;
}

/**
 * Group commit for attempts: what concurrent deliveries finish within one turn
 * of the event loop (and while the previous batch commits) is written in one
 * transaction by `recordAttempts`. Each job still waits for its own commit
 * before it completes. A batch the database refuses is retried attempt by
 * attempt, and an attempt refused on its own is recorded by
 * `recordUnrecordable`, so one bad answer never fails its neighbours nor
 * leaves its delivery pending.
 */
export function createAttemptWriter(options: AttemptWriterOptions): AttemptWriter {
  const deps = { db: options.db, audit: options.audit, publish: options.publish };
  const batcher = createMicroBatcher<AttemptInput, RecordedAttempt>({
    maxBatch: options.maxBatch ?? 256,
    maxInFlight: 2,
    keyOf: (input) => input.deliveryUuid,
    run: (inputs) => recordAttempts(deps, inputs),
  });
  return {
    async record(input) {
      try {
        return await batcher.add(input);
      } catch (err) {
        options.logger.error(
          { err, delivery: formatId('delivery', input.deliveryUuid) },
          'attempt could not be recorded; storing it without the provider answer',
        );
        return recordUnrecordable(options.db, input);
      }
    },
  };
}

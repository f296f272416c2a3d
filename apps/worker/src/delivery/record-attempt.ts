import type { Database, DeliveryStatus } from '@wrenn/db';
import type { SendOutcome } from '@wrenn/providers';
import type { Kysely } from 'kysely';

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

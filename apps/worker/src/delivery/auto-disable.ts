import type { AuditLogger } from '@wrenn/audit';
import type { Database } from '@wrenn/db';
import { formatId, type Uuid } from '@wrenn/events';
import type { PermanentCause, SendOutcome } from '@wrenn/providers';
import { sql, type Transaction } from 'kysely';
import type { AttemptInput } from './attempt-writer';

/** Destination failures in a row after which a channel is disabled. */
export const AUTO_DISABLE_AFTER = 5;

export interface DisabledChannel {
  reason: string;
  /** The `channel.disabled` event its audit entry created, to publish once the transaction commits. */
  eventIds: string[];
  teamUuid: string;
  name: string;
  provider: string;
}

/** Whose fault a permanent failure is; `null` for anything else. */
export function permanentCause(outcome: SendOutcome): PermanentCause | null {
  if (outcome.kind !== 'permanent') return null;
  // A destination that says it is gone for good is the destination's fault whatever else it says.
  if (outcome.disableNow) return 'destination';
  return outcome.cause;
}

/** Whether the attempt may change its channel beyond resetting the failure count. */
export function touchesChannel(input: AttemptInput): boolean {
  return Boolean(input.sealedConfigUpdate) || permanentCause(input.outcome) === 'destination';
}

interface ChannelChange {
  channelUuid: Uuid;
  /** Destination failures counted after the batch's last success (which already reset the count). */
  failures: number;
  disableNow: boolean;
  lastReason: string;
  config: Record<string, string> | null;
}

/**
 * Folds the recorded attempts of a batch into one change per channel, in input
 * order: a success resets the count, so only the failures after it add up.
 */
export function channelChanges(applied: readonly AttemptInput[]): ChannelChange[] {
  const changes = new Map<Uuid, ChannelChange>();
  for (const input of applied) {
    const { outcome } = input;
    const cause = permanentCause(outcome);
    if (outcome.kind !== 'ok' && cause !== 'destination') continue;
    let change = changes.get(input.channelUuid);
    if (!change) {
      change = { channelUuid: input.channelUuid, failures: 0, disableNow: false, lastReason: '', config: null };
      changes.set(input.channelUuid, change);
    }
    if (outcome.kind === 'ok') {
      change.failures = 0;
      change.disableNow = false;
      if (input.sealedConfigUpdate) change.config = input.sealedConfigUpdate;
    } else if (outcome.kind === 'permanent') {
      change.failures += 1;
      change.disableNow ||= outcome.disableNow === true;
      change.lastReason = outcome.reason;
    }
  }
  // A stable order keeps concurrent batches from locking the same channels in opposite orders.
  return [...changes.values()]
    .filter((c) => c.failures > 0 || c.config)
    .sort((a, b) => (a.channelUuid < b.channelUuid ? -1 : 1));
}

function disableReason(change: ChannelChange, failures: number): string | null {
  if (change.failures === 0) return null;
  if (change.disableNow) return `the destination is gone: ${change.lastReason}`;
  if (failures >= AUTO_DISABLE_AFTER) return `${failures} consecutive permanent failures; last: ${change.lastReason}`;
  return null;
}

/**
 * Counts failures, stores configs and disables channels. A disable is
 * conditional on the channel still being enabled, under its row lock: of
 * several workers seeing the fifth failure at once, one disables and writes
 * the audit entry, the others find it disabled.
 */
export async function applyChannelChanges(
  trx: Transaction<Database>,
  audit: Pick<AuditLogger, 'within'>,
  changes: readonly ChannelChange[],
): Promise<Map<Uuid, DisabledChannel>> {
  const disabled = new Map<Uuid, DisabledChannel>();
  if (changes.length === 0) return disabled;
  const now = new Date();
  const { rows } = await sql<{ id: Uuid; consecutive_failures: number; enabled: boolean }>`
    WITH input AS (
      SELECT * FROM unnest(
        ${changes.map((c) => c.channelUuid)}::uuid[],
        ${changes.map((c) => c.failures)}::int[],
        ${changes.map((c) => (c.config ? JSON.stringify(c.config) : null))}::text[]
      ) AS i(id, failures, config)
    )
    UPDATE channels c
    SET consecutive_failures = c.consecutive_failures + i.failures,
        config = COALESCE(i.config::jsonb, c.config),
        updated_at = CASE WHEN i.config IS NULL THEN c.updated_at ELSE ${now}::timestamptz END
    FROM input i
    WHERE c.id = i.id
    RETURNING c.id, c.consecutive_failures, c.enabled
  `.execute(trx);
  const logger = audit.within(trx);
  for (const row of rows) {
    const change = changes.find((c) => c.channelUuid === row.id);
    const reason = change && row.enabled ? disableReason(change, row.consecutive_failures) : null;
    if (!reason) continue;
    const channel = await trx
      .updateTable('channels')
      .set({ enabled: false, disabled_reason: reason, updated_at: now })
      .where('id', '=', row.id)
      .where('enabled', '=', true)
      .returning(['team_id', 'name', 'provider'])
      .executeTakeFirst();
    if (!channel) continue;
    const written = await logger.channelAutoDisable(
      formatId('team', channel.team_id),
      { id: formatId('channel', row.id), name: channel.name, provider: channel.provider },
      reason,
    );
    disabled.set(row.id, {
      reason,
      eventIds: written?.eventIds ?? [],
      teamUuid: channel.team_id,
      name: channel.name,
      provider: channel.provider,
    });
  }
  return disabled;
}

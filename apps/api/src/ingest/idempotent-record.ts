import type { AuditEntry } from '@wrenn/audit';
import { sql } from 'kysely';
import type { ApiDeps } from '../deps';
import { IngestAccepted } from './ingest-schemas';

/** How long a key's answer is replayed; the worker's retention job prunes older keys. */
export const IDEMPOTENCY_WINDOW = '24 hours';

export interface IdempotentRecordResult {
  /** The `log-…` ids of the answer: the new rows, or the first request's. */
  ids: string[];
  /** Events this request created (none for a replay), to publish after commit. */
  eventIds: string[];
}

/** The oldest `created_at` still inside the window. */
const windowStart = sql<Date>`now() - ${sql.raw(`interval '${IDEMPOTENCY_WINDOW}'`)}`;

/** The answer given to `key` in the last 24 hours, if any. */
export async function findIdempotentAnswer(db: ApiDeps['db'], key: string): Promise<IngestAccepted | null> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select('response')
    .where('key', '=', key)
    .where('created_at', '>', windowStart)
    .executeTakeFirst();
  return row ? IngestAccepted.parse(row.response) : null;
}

/**
 * Records `entries` unless `key` was seen in the last 24 hours, in which case
 * the first answer comes back and nothing is stored. The key row is inserted
 * first, in the same transaction as the audit rows: a concurrent request with
 * the same key waits on that row until this one commits (then replays its
 * answer) or rolls back (then records its own entries).
 */
export async function idempotentRecord(
  deps: Pick<ApiDeps, 'db' | 'audit'>,
  key: string,
  entries: readonly AuditEntry[],
  traceparent: string | null = null,
): Promise<IdempotentRecordResult> {
  return deps.db.transaction().execute(async (trx) => {
    // A key past the window is taken over as new (and its time renewed); a
    // fresh one conflicts without an update, so nothing comes back.
    const claimed = await trx
      .insertInto('idempotency_keys')
      .values({ key, response: JSON.stringify({ ids: [] }) })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ response: (eb) => eb.ref('excluded.response'), created_at: sql<Date>`now()` })
          .where('idempotency_keys.created_at', '<=', windowStart),
      )
      .returning('key')
      .executeTakeFirst();
    if (!claimed) {
      const stored = await trx
        .selectFrom('idempotency_keys')
        .select('response')
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      return { ids: IngestAccepted.parse(stored.response).ids, eventIds: [] };
    }
    // Strict: a failed write throws and takes the key row down with it.
    const { logIds, eventIds } = await deps.audit.within(trx).record(entries, { traceparent });
    await trx
      .updateTable('idempotency_keys')
      .set({ response: JSON.stringify({ ids: logIds }) })
      .where('key', '=', key)
      .execute();
    return { ids: logIds, eventIds };
  });
}

import { type RawBuilder, sql } from 'kysely';

/**
 * The retention statements. Each deletes at most `limit` rows, oldest first,
 * picked through an index (see the retention migration) and deleted by primary
 * key, so a statement is short and locks only the rows it deletes. Exported for
 * the test that checks their plans.
 */

/** Settled deliveries whose last change is older than `cutoff`, with their attempts. Pending ones are never picked. */
export function pruneDeliveries(cutoff: Date, limit: number): RawBuilder<{ deliveries: string; attempts: string }> {
  // SKIP LOCKED: a delivery being redelivered right now is left for a later pass; the lock
  // taken here keeps it from turning pending again before it is gone.
  return sql`
    WITH doomed AS MATERIALIZED (
      SELECT id FROM deliveries
      WHERE status IN ('succeeded', 'failed') AND updated_at < ${cutoff}
      ORDER BY updated_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    ),
    attempts AS (
      DELETE FROM delivery_attempts WHERE delivery_id = any(array(SELECT id FROM doomed)) RETURNING 1
    ),
    gone AS (
      DELETE FROM deliveries WHERE id = any(array(SELECT id FROM doomed)) RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone) AS deliveries, (SELECT count(*) FROM attempts) AS attempts
  `;
}

/** Where the walk through old events stands: the last one looked at. */
export interface EventCursor {
  at: string;
  id: string;
}

/**
 * Looks at the next `limit` events older than `cutoff` (oldest first, after
 * `after`) and deletes those that no delivery uses and that are no longer in the
 * outbox. Old events still in use are walked past rather than read again by every
 * statement. Each check is a lookup by key (LATERAL … LIMIT 1), whatever the
 * tables' sizes.
 */
export function pruneEvents(
  cutoff: Date,
  after: EventCursor | null,
  limit: number,
): RawBuilder<{ seen: string; deleted: string; last_at: string | null; last_id: string | null }> {
  const resume = after ? sql`AND (created_at, id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  return sql`
    WITH candidates AS MATERIALIZED (
      SELECT id, created_at FROM events
      WHERE created_at < ${cutoff} ${resume}
      ORDER BY created_at, id
      LIMIT ${limit}
    ),
    doomed AS (
      SELECT c.id FROM candidates c
      LEFT JOIN LATERAL (SELECT 1 AS used FROM deliveries d WHERE d.event_id = c.id LIMIT 1) d ON true
      LEFT JOIN LATERAL (SELECT 1 AS queued FROM outbox o WHERE o.event_id = c.id LIMIT 1) o ON true
      WHERE d.used IS NULL AND o.queued IS NULL
    ),
    gone AS (
      DELETE FROM events WHERE id = any(array(SELECT id FROM doomed)) RETURNING 1
    )
    SELECT (SELECT count(*) FROM candidates) AS seen, (SELECT count(*) FROM gone) AS deleted,
      last.at AS last_at, last.id AS last_id
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
      SELECT created_at::text AS at, id FROM candidates ORDER BY created_at DESC, id DESC LIMIT 1
    ) last ON true
  `;
}

/** Audit entries older than `cutoff`. Event payloads and deliveries do not depend on them. */
export function pruneAuditLogs(cutoff: Date, limit: number): RawBuilder<never> {
  return sql`
    DELETE FROM audit_logs WHERE id = any(array(
      SELECT id FROM audit_logs WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${limit}
    ))
  `;
}

/** Idempotency keys older than `cutoff`; needs an index on `idempotency_keys (created_at)`. */
/** Resource-style message references not updated since `cutoff`: their next event simply posts a new message. */
export function pruneResourceMessages(cutoff: Date, limit: number): RawBuilder<never> {
  return sql`
    DELETE FROM resource_messages WHERE ctid = any(array(
      SELECT ctid FROM resource_messages WHERE updated_at < ${cutoff} ORDER BY updated_at LIMIT ${limit}
    ))
  `;
}

export function pruneIdempotencyKeys(cutoff: Date, limit: number): RawBuilder<never> {
  return sql`
    DELETE FROM idempotency_keys WHERE key = any(array(
      SELECT key FROM idempotency_keys WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${limit}
    ))
  `;
}

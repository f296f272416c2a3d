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
      SELECT array(
        SELECT id FROM deliveries
        WHERE status IN ('succeeded', 'failed') AND updated_at < ${cutoff}
        ORDER BY updated_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      ) AS ids
    ),
    attempts AS (
      DELETE FROM delivery_attempts WHERE delivery_id = any((SELECT ids FROM doomed)) RETURNING 1
    ),
    gone AS (
      DELETE FROM deliveries WHERE id = any((SELECT ids FROM doomed)) RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone) AS deliveries, (SELECT count(*) FROM attempts) AS attempts
  `;
}

/** Event payloads older than `cutoff` that no delivery uses and that are no longer in the outbox. */
export function pruneEvents(cutoff: Date, limit: number): RawBuilder<never> {
  return sql`
    DELETE FROM events WHERE id = any(array(
      SELECT e.id FROM events e
      WHERE e.created_at < ${cutoff}
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)
      ORDER BY e.created_at
      LIMIT ${limit}
      FOR UPDATE OF e SKIP LOCKED
    ))
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
export function pruneIdempotencyKeys(cutoff: Date, limit: number): RawBuilder<never> {
  return sql`
    DELETE FROM idempotency_keys WHERE key = any(array(
      SELECT key FROM idempotency_keys WHERE created_at < ${cutoff} ORDER BY created_at LIMIT ${limit}
    ))
  `;
}

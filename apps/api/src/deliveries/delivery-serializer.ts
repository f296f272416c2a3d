import type { DeliveryAttempt as AttemptRow, Delivery as DeliveryRow } from '@wrenn/db';
import { formatId, rfc3339 } from '@wrenn/events';
import type { DeliveryWithAttempts } from './delivery-repository';
import type { Delivery, DeliveryAttempt, DeliveryDetail } from './delivery-schemas';

/** A delivery row as the API shows it: prefixed ids, RFC 3339 times, no payload or secrets. */
export function serializeDelivery(row: DeliveryRow): Delivery {
  return {
    id: formatId('delivery', row.id),
    event_id: formatId('event', row.event_id),
    event: row.event_type,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    created_at: rfc3339(row.created_at),
    updated_at: rfc3339(row.updated_at),
    delivered_at: row.delivered_at ? rfc3339(row.delivered_at) : null,
    ready_at: row.status === 'pending' ? rfc3339(row.ready_at) : null,
  };
}

/**
 * What an attempt came to, in the API's words. The worker stores `succeeded`,
 * `retry` or `permanent`; a 429 is `rate_limited` (it paused the destination
 * and used no attempt of the schedule), and the last attempt of a delivery
 * that failed is `failed` even when the answer itself was retryable.
 */
function attemptOutcome(attempt: AttemptRow, isLast: boolean, row: DeliveryRow): DeliveryAttempt['outcome'] {
  if (attempt.outcome === 'succeeded') return 'succeeded';
  if (attempt.outcome === 'permanent') return 'failed';
  if (attempt.status_code === 429) return 'rate_limited';
  return isLast && row.status === 'failed' ? 'failed' : 'retry';
}

/** The delivery, its event's payload and its attempts, oldest first (`attempts` is the list here). */
export function serializeDeliveryDetail({ row, payload, attempts }: DeliveryWithAttempts): DeliveryDetail {
  const { attempts: _count, ...delivery } = serializeDelivery(row);
  return {
    ...delivery,
    payload,
    attempts: attempts.map((attempt, i) => ({
      attempt: attempt.attempt,
      at: rfc3339(attempt.created_at),
      outcome: attemptOutcome(attempt, i === attempts.length - 1, row),
      status_code: attempt.status_code,
      latency_ms: attempt.latency_ms,
      error: attempt.error,
    })),
  };
}

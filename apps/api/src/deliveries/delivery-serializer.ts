import type { Delivery as DeliveryRow } from '@wrenn/db';
import { formatId, rfc3339 } from '@wrenn/events';
import type { Delivery } from './delivery-schemas';

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
  };
}

import type { AuditLog } from '@wrenn/db';
import { formatId, rfc3339 } from '@wrenn/events';
import type { AuditLogItem } from './audit-log-schemas';

/** An audit row as the platform shows it: empty actor id/name and resource id are omitted. */
export function serializeAuditLog(row: AuditLog): AuditLogItem {
  return {
    id: formatId('auditLog', row.id),
    actor_type: row.actor_type,
    ...(row.actor_id ? { actor_id: row.actor_id } : {}),
    ...(row.actor_name ? { actor_name: row.actor_name } : {}),
    resource_type: row.resource_type,
    ...(row.resource_id ? { resource_id: row.resource_id } : {}),
    action: row.action,
    scope: row.scope === 'admin' ? 'admin' : 'team',
    status: row.status,
    metadata: row.metadata,
    created_at: rfc3339(row.created_at),
  };
}

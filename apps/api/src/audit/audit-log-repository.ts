import type { AuditLog, Database } from '@wrenn/db';
import type { Kysely } from 'kysely';
import { newestFirst } from '../http/page';

export interface AuditLogFilter {
  teamId: string;
  /** Owners and admins also see `scope: admin` entries. */
  includeAdminScope: boolean;
  resourceType?: string | undefined;
  action?: string | undefined;
  /** UUID of the entry to page back from (exclusive). */
  before?: string | undefined;
  limit: number;
}

/**
 * One page of a team's audit log, newest first, ordered by (created_at, id)
 * so that entries written in the same instant still page without gaps.
 * Returns up to `limit + 1` rows: the extra one tells the caller there is more.
 */
export function listAuditLogs(db: Kysely<Database>, filter: AuditLogFilter): Promise<AuditLog[]> {
  let query = db.selectFrom('audit_logs').selectAll().where('team_id', '=', filter.teamId);
  if (!filter.includeAdminScope) query = query.where('scope', '!=', 'admin');
  if (filter.resourceType !== undefined) query = query.where('resource_type', '=', filter.resourceType);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  return newestFirst(query, {
    table: 'audit_logs',
    owner: { column: 'team_id', id: filter.teamId },
    before: filter.before,
    limit: filter.limit,
  }).execute();
}

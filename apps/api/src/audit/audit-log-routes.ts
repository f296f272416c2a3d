import type { ApiDeps } from '../deps';
import { errorResponse, USER_ROUTE_ERRORS } from '../http/error-response';
import { toPage } from '../http/page';
import type { RouteRegistry } from '../http/route';
import { listAuditLogs } from './audit-log-repository';
import { AuditLogPage, AuditLogQuery } from './audit-log-schemas';
import { serializeAuditLog } from './audit-log-serializer';

/** GET /v1/audit-logs: the team's audit entries, newest first, paged. */
export function registerAuditLogRoutes(registry: RouteRegistry, deps: ApiDeps): void {
  registry.add({
    method: 'get',
    path: '/v1/audit-logs',
    summary: "List the team's audit log, newest first",
    tag: 'audit',
    auth: 'user',
    query: AuditLogQuery,
    responses: {
      200: { description: 'One page of entries', schema: AuditLogPage },
      400: errorResponse('Invalid `limit`, `before` or filter (`invalid_request`)'),
      ...USER_ROUTE_ERRORS,
    },
    async handler({ query, auth, res }) {
      const rows = await listAuditLogs(deps.db, {
        teamId: auth.teamUuid,
        includeAdminScope: auth.role === 'owner' || auth.role === 'admin',
        resourceType: query.resource_type,
        action: query.action,
        before: query.before,
        limit: query.limit,
      });
      const body: AuditLogPage = toPage(rows, query.limit, serializeAuditLog);
      res.json(body);
    },
  });
}

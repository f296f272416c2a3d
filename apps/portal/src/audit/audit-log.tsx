import { Alert } from '../app/alert';
import { DataTable } from '../app/data-table';
import { messageOf } from '../app/field-errors';
import { useAuditLog } from './audit-queries';

/** The team's audit log, newest first. */
export function AuditLog() {
  const log = useAuditLog();
  const items = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <h1 id="audit-title">Audit log</h1>
      {log.isPending ? <p>Loading…</p> : null}
      <Alert>{log.isError ? messageOf(log.error) : null}</Alert>
      {log.isSuccess && items.length === 0 ? <p className="muted">Nothing recorded yet.</p> : null}
      {items.length > 0 ? (
        <DataTable columns={['When', 'Who', 'Action', 'Resource', 'Status']} labelledBy="audit-title">
          {items.map((entry) => (
            <tr key={entry.id}>
              <th scope="row">{new Date(entry.created_at).toLocaleString()}</th>
              <td>{entry.actor_name || entry.actor_id || entry.actor_type}</td>
              <td>
                {entry.resource_type} {entry.action}
              </td>
              <td className="events-cell">
                {typeof entry.metadata?.name === 'string' ? entry.metadata.name : (entry.resource_id ?? '')}
              </td>
              <td>{entry.status}</td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {log.hasNextPage ? (
        <button type="button" onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          Older entries
        </button>
      ) : null}
    </section>
  );
}

import type { paths } from '../api/schema';
import { Alert } from '../app/alert';
import { DataTable } from '../app/data-table';
import { messageOf } from '../app/field-errors';
import { hrefOf } from '../app/route';
import { useChannel } from '../channel/channel-queries';
import { when } from './delivery-log';
import { useDelivery, useRedeliver } from './delivery-queries';

type DeliveryDetail =
  paths['/v1/channels/{id}/deliveries/{dlv}']['get']['responses'][200]['content']['application/json'];

const OUTCOME_BADGE: Record<DeliveryDetail['attempts'][number]['outcome'], string> = {
  succeeded: 'ok',
  retry: '',
  rate_limited: '',
  failed: 'bad',
};

function Attempts({ delivery }: { delivery: DeliveryDetail }) {
  if (delivery.attempts.length === 0) return <p className="muted">No attempt yet.</p>;
  return (
    <DataTable
      columns={['Attempt', 'When', 'Outcome', 'Status code', 'Latency', 'Error']}
      labelledBy="attempts-title"
      focusable
    >
      {delivery.attempts.map((a) => (
        <tr key={a.attempt}>
          <th scope="row">{a.attempt}</th>
          <td>{when(a.at)}</td>
          <td>
            <span className={`badge ${OUTCOME_BADGE[a.outcome]}`}>{a.outcome.replace('_', ' ')}</span>
          </td>
          <td>{a.status_code ?? '—'}</td>
          <td>{a.latency_ms} ms</td>
          <td className="error-cell">{a.error ?? ''}</td>
        </tr>
      ))}
    </DataTable>
  );
}

/** One delivery: what was sent, every attempt and its answer, and "Redeliver". */
export function DeliveryPage({ channelId, id }: { channelId: string; id: string }) {
  const delivery = useDelivery(channelId, id);
  const channel = useChannel(channelId);
  const redeliver = useRedeliver(channelId);
  const back = (
    <p>
      <a href={hrefOf({ screen: 'channel', id: channelId })}>← {channel.data?.name ?? 'Channel'}</a>
    </p>
  );
  if (delivery.isPending) {
    return (
      <section>
        {back}
        <p>Loading delivery…</p>
      </section>
    );
  }
  if (delivery.isError) {
    return (
      <section>
        {back}
        <h1>Delivery</h1>
        <Alert>{messageOf(delivery.error)}</Alert>
      </section>
    );
  }
  const d = delivery.data;
  return (
    <section>
      {back}
      <h1>Delivery of {d.event}</h1>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <span className={`badge ${d.status === 'succeeded' ? 'ok' : d.status === 'failed' ? 'bad' : ''}`}>
            {d.status}
          </span>
        </dd>
        <dt>Delivery</dt>
        <dd>
          <code>{d.id}</code>
        </dd>
        <dt>Created</dt>
        <dd>{when(d.created_at)}</dd>
        <dt>Delivered</dt>
        <dd>{when(d.delivered_at)}</dd>
      </dl>
      <div className="actions">
        <button
          type="button"
          disabled={redeliver.isPending || d.status === 'pending'}
          onClick={() => redeliver.mutate(d.id)}
        >
          Redeliver
        </button>
        <span role="status">{redeliver.isSuccess && d.status === 'pending' ? 'Queued again' : ''}</span>
      </div>
      <Alert>{redeliver.error ? messageOf(redeliver.error) : null}</Alert>
      <h2 id="attempts-title">Attempts</h2>
      <Attempts delivery={d} />
      <h2 id="payload-title">Payload</h2>
      <pre className="payload">{JSON.stringify(d.payload, null, 2)}</pre>
    </section>
  );
}

import { type FormEvent, useState } from 'react';
import type { Delivery } from '../api/client';
import { Alert } from '../app/alert';
import { DataTable } from '../app/data-table';
import { messageOf } from '../app/field-errors';
import { useDeliveries, useRedeliver, useRetryFailedSince } from './delivery-queries';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** `datetime-local` gives local wall time; the API wants RFC 3339. */
function localInputToIso(value: string): string | null {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function RetryFailedSince({ channelId }: { channelId: string }) {
  const retry = useRetryFailedSince(channelId);
  const [since, setSince] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = localInputToIso(since);
    if (iso) retry.mutate(iso);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Retry failed deliveries">
      <div className="field">
        <label htmlFor="retry-since">Retry failed since</label>
        <input
          id="retry-since"
          type="datetime-local"
          required
          value={since}
          onChange={(e) => setSince(e.target.value)}
        />
      </div>
      <button type="submit" disabled={retry.isPending || !since}>
        Retry failed
      </button>
      <span role="status">
        {retry.data ? `${retry.data.count} ${retry.data.count === 1 ? 'delivery' : 'deliveries'} queued again` : ''}
      </span>
      <Alert>{retry.error ? messageOf(retry.error) : null}</Alert>
    </form>
  );
}

function DeliveryRow({ delivery, channelId }: { delivery: Delivery; channelId: string }) {
  const redeliver = useRedeliver(channelId);
  return (
    <tr>
      <th scope="row">{delivery.event}</th>
      <td>
        <span className={`badge ${delivery.status === 'succeeded' ? 'ok' : delivery.status === 'failed' ? 'bad' : ''}`}>
          {delivery.status}
        </span>
      </td>
      <td>{delivery.attempts}</td>
      <td>{delivery.last_status_code ?? '—'}</td>
      <td className="error-cell">{delivery.last_error ?? ''}</td>
      <td>{when(delivery.created_at)}</td>
      <td>
        {delivery.status === 'failed' ? (
          <>
            <button
              type="button"
              aria-describedby={`dlv-${delivery.id}`}
              disabled={redeliver.isPending}
              onClick={() => redeliver.mutate(delivery.id)}
            >
              Redeliver
            </button>
            <span id={`dlv-${delivery.id}`} className="visually-hidden">
              {delivery.event} of {when(delivery.created_at)}
            </span>
          </>
        ) : null}
        <Alert inline>{redeliver.error ? messageOf(redeliver.error) : null}</Alert>
      </td>
    </tr>
  );
}

const DELIVERY_COLUMNS = [
  'Event',
  'Status',
  'Attempts',
  'Status code',
  'Error',
  'Created',
  <span key="actions" className="visually-hidden">
    Actions
  </span>,
];

/** Per delivery: status, attempts, last status code and error; redelivery one by one or in bulk. */
export function DeliveryLog({ channelId }: { channelId: string }) {
  const deliveries = useDeliveries(channelId);
  const items = deliveries.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="deliveries-title">
      <div className="title-row">
        <h2 id="deliveries-title">Deliveries</h2>
        <button type="button" onClick={() => deliveries.refetch()}>
          Refresh
        </button>
      </div>
      <RetryFailedSince channelId={channelId} />
      <Alert>{deliveries.isError ? messageOf(deliveries.error) : null}</Alert>
      {deliveries.isSuccess && items.length === 0 ? <p className="muted">No delivery yet.</p> : null}
      {items.length > 0 ? (
        <DataTable columns={DELIVERY_COLUMNS} labelledBy="deliveries-title">
          {items.map((d) => (
            <DeliveryRow key={d.id} delivery={d} channelId={channelId} />
          ))}
        </DataTable>
      ) : null}
      {deliveries.hasNextPage ? (
        <button type="button" onClick={() => deliveries.fetchNextPage()} disabled={deliveries.isFetchingNextPage}>
          Older deliveries
        </button>
      ) : null}
    </section>
  );
}

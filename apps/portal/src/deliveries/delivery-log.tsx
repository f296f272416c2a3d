import { type FormEvent, useState } from 'react';
import type { Delivery } from '../api/client';
import { Alert } from '../app/alert';
import { DataTable } from '../app/data-table';
import { useEventTypes } from '../app/event-picker';
import { messageOf } from '../app/field-errors';
import { Options } from '../app/options';
import { hrefOf } from '../app/route';
import type { LogFilters, Navigate } from '../app/view';
import { useDeliveries, useRedeliver, useRetryFailedSince } from './delivery-queries';

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

/** `datetime-local` gives local wall time; the API wants RFC 3339. */
function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An RFC 3339 time as `datetime-local` shows it (local wall time, to the minute). */
function isoToLocalInput(iso: string | undefined): string {
  const date = new Date(iso ?? '');
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Every `prefix.*` pattern over the event names (`capsule.*`, `template.snapshot.*`…). */
function patternsOf(names: readonly string[]): string[] {
  const patterns = new Set<string>();
  for (const name of names) {
    const parts = name.split('.');
    for (let n = 1; n < parts.length; n += 1) patterns.add(`${parts.slice(0, n).join('.')}.*`);
  }
  return [...patterns].sort();
}

/** The channel whose log is shown, the filters from the address, and the way to change them. */
interface LogProps {
  channelId: string;
  filters: LogFilters;
  navigate: Navigate;
}

/** Status, event and period of the log; applying them changes the address, so a reload or a copied link keeps them. */
function LogFilterForm({ channelId, filters, navigate }: LogProps) {
  const eventTypes = useEventTypes();
  const names = (eventTypes.data ?? []).map((e) => e.name);
  const [status, setStatus] = useState(filters.status ?? '');
  const [event, setEvent] = useState(filters.event ?? '');
  const [since, setSince] = useState(isoToLocalInput(filters.since));
  const [until, setUntil] = useState(isoToLocalInput(filters.until));
  const apply = (next: LogFilters) => navigate({ screen: 'channel', id: channelId, filters: next }, { replace: true });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next: LogFilters = {};
    if (status) next.status = status as NonNullable<LogFilters['status']>;
    if (event) next.event = event;
    const from = localInputToIso(since);
    const to = localInputToIso(until);
    if (from) next.since = from;
    if (to) next.until = to;
    apply(next);
  };
  const clear = () => {
    setStatus('');
    setEvent('');
    setSince('');
    setUntil('');
    apply({});
  };
  return (
    <form className="inline-form filters" onSubmit={submit} aria-label="Filter deliveries">
      <div className="field">
        <label htmlFor="filter-status">Status</label>
        <select id="filter-status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <option value="pending">pending</option>
          <option value="succeeded">succeeded</option>
          <option value="failed">failed</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-event">Event</label>
        <select id="filter-event" value={event} onChange={(e) => setEvent(e.target.value)}>
          <option value="">Any event</option>
          {/* A filter from the address shows even before the list of event types has arrived. */}
          {event && !names.includes(event) && !patternsOf(names).includes(event) ? (
            <option value={event}>{event}</option>
          ) : null}
          <Options values={names} />
          <Options values={patternsOf(names)} />
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-since">From</label>
        <input id="filter-since" type="datetime-local" value={since} onChange={(e) => setSince(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="filter-until">Until</label>
        <input id="filter-until" type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
      </div>
      <button type="submit">Apply filters</button>
      <button type="button" onClick={clear}>
        Clear filters
      </button>
    </form>
  );
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
      <th scope="row">
        <a href={hrefOf({ screen: 'delivery', channelId, id: delivery.id })} aria-describedby={`dlv-${delivery.id}`}>
          {delivery.event}
        </a>
      </th>
      <td>
        <span className={`badge ${delivery.status === 'succeeded' ? 'ok' : delivery.status === 'failed' ? 'bad' : ''}`}>
          {delivery.status}
        </span>
        {/* Held by a retry delay, a rate limit or quiet hours: say until when. */}
        {delivery.status === 'pending' && delivery.ready_at && Date.parse(delivery.ready_at) > Date.now() ? (
          <span className="muted"> until {when(delivery.ready_at)}</span>
        ) : null}
      </td>
      <td>{delivery.attempts}</td>
      <td>{delivery.last_status_code ?? '—'}</td>
      <td className="error-cell">{delivery.last_error ?? ''}</td>
      <td>{when(delivery.created_at)}</td>
      <td>
        <span id={`dlv-${delivery.id}`} className="visually-hidden">
          {delivery.event} of {when(delivery.created_at)}
        </span>
        {delivery.status === 'failed' ? (
          <button
            type="button"
            aria-describedby={`dlv-${delivery.id}`}
            disabled={redeliver.isPending}
            onClick={() => redeliver.mutate(delivery.id)}
          >
            Redeliver
          </button>
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

/**
 * Per delivery: status, attempts, last status code and error, and a link to
 * its page; filters; redelivery one by one or in bulk.
 */
export function DeliveryLog({ channelId, filters, navigate }: LogProps) {
  const deliveries = useDeliveries(channelId, filters);
  const filtered = Object.keys(filters).length > 0;
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
      <LogFilterForm key={JSON.stringify(filters)} channelId={channelId} filters={filters} navigate={navigate} />
      <Alert>{deliveries.isError ? messageOf(deliveries.error) : null}</Alert>
      {deliveries.isSuccess && items.length === 0 ? (
        <p className="muted">{filtered ? 'No delivery matches these filters.' : 'No delivery yet.'}</p>
      ) : null}
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

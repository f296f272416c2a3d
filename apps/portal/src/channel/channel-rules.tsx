import { type FormEvent, useMemo, useState } from 'react';
import type { Channel } from '../api/client';
import { Alert } from '../app/alert';
import { Field } from '../app/field';
import { errorFor, formError, messageOf } from '../app/field-errors';
import { Options } from '../app/options';
import { useFilterPreview, useUpdateChannel } from './channel-queries';

type QuietHours = NonNullable<Channel['quiet_hours']>;
type Weekday = QuietHours['days'][number];

const WEEKDAYS: ReadonlyArray<{ day: Weekday; label: string }> = [
  { day: 'mon', label: 'Mon' },
  { day: 'tue', label: 'Tue' },
  { day: 'wed', label: 'Wed' },
  { day: 'thu', label: 'Thu' },
  { day: 'fri', label: 'Fri' },
  { day: 'sat', label: 'Sat' },
  { day: 'sun', label: 'Sun' },
];
const DEFAULT_URGENT = 'host.down, channel.disabled';
const FILTER_EXAMPLE = 'event.actor.type != "system" && event.metadata.template.startsWith("python")';

/** The browser's own zone first, then every IANA zone it knows, for the timezone picker. */
function timezones(): { local: string; all: string[] } {
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return { local, all: Intl.supportedValuesOf('timeZone') };
}

function FilterPreview({ preview }: { preview: ReturnType<typeof useFilterPreview> }) {
  if (preview.isError) return null;
  if (!preview.data) return null;
  if (preview.data.items.length === 0) return <p className="muted">No events for this channel yet.</p>;
  const delivered = preview.data.items.filter((i) => i.delivered).length;
  return (
    <>
      <p role="status">
        {delivered} of the latest {preview.data.items.length} events would be delivered.
      </p>
      <ul aria-label="Filter preview">
        {preview.data.items.map((item) => (
          <li key={item.event_id}>
            <strong>{item.event}</strong> {String((item.payload.resource as { id?: string } | undefined)?.id ?? '')} ·{' '}
            {new Date(item.created_at).toLocaleString()} —{' '}
            {item.delivered ? 'delivered' : item.error ? `not delivered (${item.error})` : 'not delivered'}
          </li>
        ))}
      </ul>
    </>
  );
}

/** The channel's filter (with "Try it") and quiet hours, saved together with PATCH. */
export function ChannelRules({ channel }: { channel: Channel }) {
  const update = useUpdateChannel(channel.id);
  const preview = useFilterPreview(channel.id);
  const zones = useMemo(timezones, []);
  const [filter, setFilter] = useState(channel.filter ?? '');
  const quiet = channel.quiet_hours;
  const [quietOn, setQuietOn] = useState(quiet !== null);
  const [timezone, setTimezone] = useState(quiet?.timezone ?? zones.local);
  const [start, setStart] = useState(quiet?.start ?? '22:00');
  const [end, setEnd] = useState(quiet?.end ?? '07:00');
  const [days, setDays] = useState<Weekday[]>(quiet?.days ?? WEEKDAYS.map((w) => w.day));
  const [urgent, setUrgent] = useState(quiet ? quiet.urgent.join(', ') : DEFAULT_URGENT);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const urgentEvents = urgent
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    update.mutate({
      filter: filter.trim() === '' ? null : filter,
      quiet_hours: quietOn ? { timezone, start, end, days, urgent: urgentEvents } : null,
    });
  };
  const toggleDay = (day: Weekday, on: boolean) =>
    setDays((current) => WEEKDAYS.map((w) => w.day).filter((d) => (d === day ? on : current.includes(d))));
  const filterError = errorFor(update.error, 'filter') ?? (preview.error ? messageOf(preview.error) : null);
  const quietError = errorFor(update.error, 'quiet_hours');

  return (
    <form onSubmit={submit} noValidate aria-labelledby="rules-title">
      <h2 id="rules-title">Filter and quiet hours</h2>
      <Alert>{formError(update.error)}</Alert>
      <div className="field">
        <label htmlFor="rules-filter">Filter</label>
        <textarea
          id="rules-filter"
          rows={3}
          maxLength={1000}
          spellCheck={false}
          value={filter}
          placeholder={FILTER_EXAMPLE}
          aria-invalid={filterError ? true : undefined}
          aria-describedby={`rules-filter-hint${filterError ? ' rules-filter-error' : ''}`}
          onChange={(e) => setFilter(e.target.value)}
        />
        <p id="rules-filter-hint" className="hint">
          A CEL expression over <code>event</code>, the webhook JSON. Only events for which it is true are delivered;
          empty delivers every subscribed event.
        </p>
        <Alert id="rules-filter-error">{filterError}</Alert>
      </div>
      <div className="actions">
        <button
          type="button"
          onClick={() => preview.mutate(filter.trim() === '' ? 'true' : filter)}
          disabled={preview.isPending}
        >
          Try it
        </button>
      </div>
      <FilterPreview preview={preview} />

      <fieldset aria-describedby={quietError ? 'rules-quiet-error' : undefined}>
        <legend>Quiet hours</legend>
        <label className="check">
          <input type="checkbox" checked={quietOn} onChange={(e) => setQuietOn(e.target.checked)} />
          Hold deliveries during quiet hours
        </label>
        <div className="field">
          <label htmlFor="rules-timezone">Timezone</label>
          <select
            id="rules-timezone"
            value={timezone}
            disabled={!quietOn}
            onChange={(e) => setTimezone(e.target.value)}
          >
            <Options values={zones.all.includes(timezone) ? zones.all : [timezone, ...zones.all]} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="rules-start">Starts at</label>
          <input
            id="rules-start"
            type="time"
            value={start}
            disabled={!quietOn}
            onChange={(e) => setStart(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="rules-end">Ends at</label>
          <input id="rules-end" type="time" value={end} disabled={!quietOn} onChange={(e) => setEnd(e.target.value)} />
        </div>
        <fieldset>
          <legend>Starting on</legend>
          {WEEKDAYS.map(({ day, label }) => (
            <label key={day} className="check">
              <input
                type="checkbox"
                checked={days.includes(day)}
                disabled={!quietOn}
                onChange={(e) => toggleDay(day, e.target.checked)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <Field
          id="rules-urgent"
          label="Urgent events"
          value={urgent}
          disabled={!quietOn}
          hint="Event types or patterns, comma-separated, that go out at once during quiet hours."
          onChange={(e) => setUrgent(e.target.value)}
        />
        <Alert id="rules-quiet-error">{quietError}</Alert>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          Apply filter and quiet hours
        </button>
        <span role="status">{update.isSuccess && !update.isPending ? 'Saved' : ''}</span>
      </div>
    </form>
  );
}

import { unwrap } from '../api/client';
import { Alert } from './alert';
import { useCatalog } from './use-catalog';

/** The subscribable events, from the service. */
export function useEventTypes() {
  return useCatalog('event-types', (api) => unwrap(api.GET('/v1/event-types')));
}

/** Splits a subscription list into exact event names (checkboxes) and patterns (free text). */
export function splitEvents(
  events: readonly string[],
  names: readonly string[],
): { checked: string[]; patterns: string } {
  return {
    checked: events.filter((e) => names.includes(e)),
    patterns: events.filter((e) => !names.includes(e)).join(', '),
  };
}

/** The list to send: the checked events, then the patterns typed (comma or space separated). */
export function joinEvents(checked: readonly string[], patterns: string): string[] {
  const typed = patterns
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  return [...new Set([...checked, ...typed])];
}

/** Event checkboxes, labelled by the event name, and a patterns field (`capsule.*`, `*`). */
export function EventPicker({
  idPrefix,
  checked,
  patterns,
  onChange,
  error,
}: {
  idPrefix: string;
  checked: string[];
  patterns: string;
  onChange: (next: { checked: string[]; patterns: string }) => void;
  error: string | null;
}) {
  const eventTypes = useEventTypes();
  const errorId = `${idPrefix}-events-error`;
  return (
    <fieldset className="events" aria-describedby={error ? errorId : undefined}>
      <legend>Events</legend>
      {eventTypes.isPending ? <p className="muted">Loading events…</p> : null}
      <div className="event-grid">
        {(eventTypes.data ?? []).map((event) => (
          <label key={event.name} className="check" title={event.description}>
            <input
              type="checkbox"
              checked={checked.includes(event.name)}
              onChange={(e) =>
                onChange({
                  checked: e.target.checked ? [...checked, event.name] : checked.filter((c) => c !== event.name),
                  patterns,
                })
              }
            />
            {event.name}
          </label>
        ))}
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-patterns`}>Event patterns</label>
        <input
          id={`${idPrefix}-patterns`}
          value={patterns}
          placeholder="capsule.*, host.*"
          aria-describedby={`${idPrefix}-patterns-hint`}
          onChange={(e) => onChange({ checked, patterns: e.target.value })}
        />
        <p id={`${idPrefix}-patterns-hint`} className="hint">
          Optional: <code>*</code> for every event, or a prefix such as <code>capsule.*</code>, separated by commas.
        </p>
      </div>
      <Alert id={errorId}>{error}</Alert>
    </fieldset>
  );
}

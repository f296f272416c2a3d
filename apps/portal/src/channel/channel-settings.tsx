import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Channel } from '../api/client';
import { Alert } from '../app/alert';
import { ChannelNameField } from '../app/channel-name-field';
import { ConfigFields, filledConfig, useProviders } from '../app/config-fields';
import { OneTimeSecret } from '../app/copy-button';
import { EventPicker, joinEvents, splitEvents, useEventTypes } from '../app/event-picker';
import { Field } from '../app/field';
import { errorFor, formError, messageOf } from '../app/field-errors';
import type { LogFilters, Navigate } from '../app/view';
import { DeliveryLog } from '../deliveries/delivery-log';
import {
  useChannel,
  useDeleteChannel,
  useReplaceConfig,
  useRotateSecret,
  useTestChannel,
  useUpdateChannel,
} from './channel-queries';
import { ChannelRules } from './channel-rules';
import { MessageStyleForm } from './message-style';

function SettingsForm({ channel }: { channel: Channel }) {
  const eventTypes = useEventTypes();
  const update = useUpdateChannel(channel.id);
  const [name, setName] = useState(channel.name);
  const [enabled, setEnabled] = useState(channel.enabled);
  const names = (eventTypes.data ?? []).map((e) => e.name);
  const [events, setEvents] = useState(() => splitEvents(channel.events, names));
  // The event list arrives after the channel: sort its names into checkboxes once it does.
  useEffect(() => {
    if (eventTypes.data)
      setEvents(
        splitEvents(
          channel.events,
          eventTypes.data.map((e) => e.name),
        ),
      );
  }, [eventTypes.data, channel.events]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ name, enabled, events: joinEvents(events.checked, events.patterns) });
  };
  const topError = formError(update.error);
  return (
    <form onSubmit={submit} noValidate aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <Alert>{topError}</Alert>
      <ChannelNameField id="edit-name" value={name} error={errorFor(update.error, 'name')} onChange={setName} />
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Enabled
      </label>
      {!channel.enabled && channel.disabled_reason ? (
        <p className="warning">Disabled: {channel.disabled_reason}</p>
      ) : null}
      <EventPicker idPrefix="edit" {...events} onChange={setEvents} error={errorFor(update.error, 'events')} />
      <div className="actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          Save
        </button>
        <span role="status">{update.isSuccess && !update.isPending ? 'Saved' : ''}</span>
      </div>
    </form>
  );
}

function ReplaceConfigForm({ channel }: { channel: Channel }) {
  const providers = useProviders();
  const replace = useReplaceConfig(channel.id);
  const test = useTestChannel(channel.id);
  const [config, setConfig] = useState<Record<string, string>>({});
  const provider = providers.data?.find((p) => p.name === channel.provider);
  const keys = provider?.fields.map((f) => f.key) ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    replace.mutate(filledConfig(config), { onSuccess: () => setConfig({}) });
  };
  const secret = replace.data && 'secret' in replace.data ? (replace.data.secret as string | undefined) : undefined;
  return (
    <form onSubmit={submit} noValidate aria-labelledby="config-title">
      <h2 id="config-title">Config</h2>
      <p className="muted">
        Stored: {channel.config_fields.join(', ') || 'nothing'}. Values are never shown again; replacing them re-enables
        a disabled channel.
      </p>
      <div className="actions">
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
          Send test
        </button>
        <span role="status">{test.isPending ? 'Sending…' : test.isSuccess ? 'Test message sent.' : ''}</span>
      </div>
      <Alert>{test.error ? `Test failed: ${messageOf(test.error)}` : null}</Alert>
      {provider ? (
        <ConfigFields
          provider={provider}
          values={config}
          onChange={setConfig}
          error={replace.error}
          idPrefix="replace"
        />
      ) : null}
      <Alert>{formError(replace.error, keys)}</Alert>
      <div className="actions">
        <button type="submit" disabled={replace.isPending}>
          Replace config
        </button>
        <span role="status">{replace.isSuccess ? 'Config replaced' : ''}</span>
      </div>
      {secret ? <OneTimeSecret secret={secret} title="New signing secret" /> : null}
    </form>
  );
}

const DAY_S = 86_400;

/** Rotation asks how long the old secret keeps signing: receivers need that long to switch. */
function RotateSecret({ channel }: { channel: Channel }) {
  const rotate = useRotateSecret(channel.id);
  const [hours, setHours] = useState('24');
  const valid = /^\d+$/.test(hours) && Number(hours) <= 168;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) rotate.mutate(Math.min(Number(hours) * 3600, 7 * DAY_S));
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="rotate-title">
      <h2 id="rotate-title">Secret rotation</h2>
      <p className="muted">
        A new secret signs every request; the old one keeps signing for the grace period, so receivers can switch.
      </p>
      <Field
        id="rotate-grace"
        label="Grace period (hours)"
        type="number"
        inputMode="numeric"
        min={0}
        max={168}
        value={hours}
        error={valid ? undefined : 'Enter a whole number of hours from 0 to 168 (one week).'}
        hint="0 stops the old secret at once; at most 168 (one week)."
        onChange={(e) => setHours(e.target.value)}
      />
      <button type="submit" disabled={rotate.isPending || !valid}>
        Rotate secret
      </button>
      <Alert>{rotate.error ? messageOf(rotate.error) : null}</Alert>
      {rotate.data ? (
        <>
          <OneTimeSecret secret={rotate.data.secret} title="New signing secret" />
          <p className="muted">
            {rotate.data.previous_secret_expires_at
              ? `The previous secret stops signing at ${new Date(rotate.data.previous_secret_expires_at).toLocaleString()}.`
              : 'The previous secret no longer signs.'}
          </p>
        </>
      ) : null}
    </form>
  );
}

function DeleteChannel({ channel, navigate }: { channel: Channel; navigate: Navigate }) {
  const remove = useDeleteChannel(channel.id);
  const dialog = useRef<HTMLDialogElement>(null);
  // While the confirmation is open, its button is the only "Delete channel" on the page.
  const [confirming, setConfirming] = useState(false);
  return (
    <section aria-labelledby="delete-title">
      <h2 id="delete-title">Delete</h2>
      <button
        type="button"
        className="danger"
        hidden={confirming}
        onClick={() => {
          setConfirming(true);
          dialog.current?.showModal();
        }}
      >
        Delete channel
      </button>
      <dialog ref={dialog} aria-labelledby="confirm-title" onClose={() => setConfirming(false)}>
        <h2 id="confirm-title">Delete {channel.name}?</h2>
        <p>Its deliveries stop at once and its config is erased. This cannot be undone.</p>
        <Alert>{remove.error ? messageOf(remove.error) : null}</Alert>
        <div className="actions">
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() =>
              remove.mutate(undefined, {
                onSuccess: () => {
                  dialog.current?.close();
                  navigate({ screen: 'channels' });
                },
              })
            }
          >
            Delete channel
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </section>
  );
}

/** One channel: settings, config, secret rotation, deletion and its delivery log. */
export function ChannelSettings({
  id,
  secret,
  filters,
  navigate,
}: {
  id: string;
  secret?: string | undefined;
  /** The delivery log's filters, from the address. */
  filters: LogFilters;
  navigate: Navigate;
}) {
  const channel = useChannel(id);
  if (channel.isPending) return <p>Loading channel…</p>;
  if (channel.isError) return <Alert>{messageOf(channel.error)}</Alert>;
  const c = channel.data;
  return (
    <section>
      <p>
        <button type="button" className="link" onClick={() => navigate({ screen: 'channels' })}>
          ← All channels
        </button>
      </p>
      <h1>{c.name}</h1>
      <p className="muted">
        {c.provider} · {c.enabled ? 'enabled' : `disabled${c.disabled_reason ? `: ${c.disabled_reason}` : ''}`}
      </p>
      {secret ? <OneTimeSecret secret={secret} title="Generated signing secret" /> : null}
      <div className="panels">
        <SettingsForm key={c.id} channel={c} />
        <MessageStyleForm key={`style-${c.id}`} channel={c} />
        <ChannelRules key={`rules-${c.id}`} channel={c} />
        <ReplaceConfigForm channel={c} />
        {c.provider === 'webhook' ? <RotateSecret channel={c} /> : null}
        <DeleteChannel channel={c} navigate={navigate} />
      </div>
      <DeliveryLog channelId={c.id} filters={filters} navigate={navigate} />
    </section>
  );
}

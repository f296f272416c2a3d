import { type FormEvent, useState } from 'react';
import { Alert } from '../app/alert';
import { ChannelNameField } from '../app/channel-name-field';
import { ConfigFields, filledConfig, useProviders } from '../app/config-fields';
import { EventPicker, joinEvents } from '../app/event-picker';
import { errorFor, formError } from '../app/field-errors';
import type { Navigate } from '../app/view';
import { useCreateChannel, useTestConfig } from './channel-queries';

/** A new channel: a provider-specific form, a test send before saving, events and patterns. */
export function NewChannel({ navigate }: { navigate: Navigate }) {
  const providers = useProviders();
  const create = useCreateChannel();
  const test = useTestConfig();
  const [name, setName] = useState('');
  const [providerName, setProviderName] = useState('');
  const [config, setConfig] = useState<Record<string, string>>({});
  const [events, setEvents] = useState<{ checked: string[]; patterns: string }>({ checked: [], patterns: '' });
  const provider = providers.data?.find((p) => p.name === providerName);

  const changeProvider = (next: string) => {
    setProviderName(next);
    setConfig({});
    test.reset();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name,
        provider: providerName,
        config: filledConfig(config),
        events: joinEvents(events.checked, events.patterns),
      } as never,
      {
        onSuccess: (channel) =>
          navigate({ screen: 'channel', id: channel.id, ...(channel.secret ? { secret: channel.secret } : {}) }),
      },
    );
  };

  const sendTest = () => test.mutate({ provider: providerName, config: filledConfig(config) });
  const keys = provider?.fields.map((f) => f.key) ?? [];
  const topError = formError(create.error, keys);
  const testError = formError(test.error, keys);

  return (
    <section>
      <h1>New channel</h1>
      <form onSubmit={submit} noValidate>
        <Alert>{topError}</Alert>
        <ChannelNameField
          id="new-name"
          value={name}
          placeholder="ops-alerts"
          hint="Lower-case letters, digits, dots, dashes; unique in your team."
          error={errorFor(create.error, 'name')}
          onChange={setName}
        />
        <div className="field">
          <label htmlFor="new-provider">Provider</label>
          <select id="new-provider" value={providerName} required onChange={(e) => changeProvider(e.target.value)}>
            <option value="">Choose where notifications go</option>
            {(providers.data ?? []).map((p) => (
              <option key={p.name} value={p.name}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        {provider ? (
          <fieldset>
            <legend>{provider.label} settings</legend>
            <ConfigFields
              provider={provider}
              values={config}
              onChange={setConfig}
              error={create.error ?? test.error}
              idPrefix="new"
            />
            <div className="actions">
              <button type="button" onClick={sendTest} disabled={test.isPending}>
                Send test
              </button>
              <span role="status" className="test-result">
                {test.isPending ? 'Sending…' : test.isSuccess ? 'Test message sent: check the destination.' : ''}
              </span>
            </div>
            <Alert>{testError ? `Test failed: ${testError}` : null}</Alert>
          </fieldset>
        ) : null}
        <EventPicker idPrefix="new" {...events} onChange={setEvents} error={errorFor(create.error, 'events')} />
        <div className="actions">
          <button type="submit" className="primary" disabled={create.isPending}>
            Create channel
          </button>
          <button type="button" onClick={() => navigate({ screen: 'channels' })}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

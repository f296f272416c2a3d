import { type FormEvent, useState } from 'react';
import type { Channel } from '../api/client';
import { Alert } from '../app/alert';
import { useProviders } from '../app/config-fields';
import { errorFor, formError } from '../app/field-errors';
import { Options } from '../app/options';
import { useUpdateChannel } from './channel-queries';

type MessageStyle = Channel['message_style'];

const STYLE_LABELS: Record<MessageStyle, string> = {
  each: 'A message per event (or per burst)',
  resource: 'One message per resource, kept up to date',
};

/** The channel's message style, offered only where its provider can keep a message up to date. */
export function MessageStyleForm({ channel }: { channel: Channel }) {
  const providers = useProviders();
  const update = useUpdateChannel(channel.id);
  const [style, setStyle] = useState<MessageStyle>(channel.message_style);
  const styles = providers.data?.find((p) => p.name === channel.provider)?.message_styles ?? [];
  if (!styles.includes('resource')) return null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({ message_style: style });
  };
  const styleError = errorFor(update.error, 'message_style');
  return (
    <form onSubmit={submit} noValidate aria-labelledby="style-title">
      <h2 id="style-title">Message style</h2>
      <Alert>{formError(update.error)}</Alert>
      <div className="field">
        <label htmlFor="style-select">Messages</label>
        <select
          id="style-select"
          value={style}
          aria-describedby={`style-hint${styleError ? ' style-error' : ''}`}
          onChange={(e) => setStyle(e.target.value as MessageStyle)}
        >
          <Options values={styles} label={(s) => STYLE_LABELS[s]} />
        </select>
        <p id="style-hint" className="hint">
          One message per resource: later events about a capsule or host update its message; a host going down always
          posts a new one.
        </p>
        <Alert id="style-error">{styleError}</Alert>
      </div>
      <div className="actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          Apply message style
        </button>
        <span role="status">{update.isSuccess && !update.isPending ? 'Saved' : ''}</span>
      </div>
    </form>
  );
}

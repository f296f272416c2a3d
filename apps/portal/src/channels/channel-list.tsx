import type { Channel } from '../api/client';
import { Alert } from '../app/alert';
import { DataTable } from '../app/data-table';
import { messageOf } from '../app/field-errors';
import type { Navigate } from '../app/view';
import { useChannels } from './channel-queries';

function ChannelState({ channel }: { channel: Channel }) {
  if (channel.enabled) return <span className="badge ok">enabled</span>;
  return (
    <span>
      <span className="badge bad">disabled</span>
      {channel.disabled_reason ? <span className="reason"> {channel.disabled_reason}</span> : null}
    </span>
  );
}

/** The team's channels: name, provider, events, enabled or disabled with the reason. */
export function ChannelList({
  navigate,
  providerLabel,
}: {
  navigate: Navigate;
  providerLabel: (name: string) => string;
}) {
  const channels = useChannels();
  return (
    <section>
      <div className="title-row">
        <h1>Channels</h1>
        <button type="button" className="primary" onClick={() => navigate({ screen: 'new-channel' })}>
          New channel
        </button>
      </div>
      {channels.isPending ? <p>Loading channels…</p> : null}
      <Alert>{channels.isError ? messageOf(channels.error) : null}</Alert>
      {channels.data && channels.data.length === 0 ? (
        <p className="muted">No channel yet. Create one to get notified about capsules, templates and hosts.</p>
      ) : null}
      {channels.data && channels.data.length > 0 ? (
        <DataTable columns={['Name', 'Provider', 'Events', 'State']} caption="Channels">
          {channels.data.map((channel) => (
            <tr key={channel.id}>
              <th scope="row">
                <button type="button" className="link" onClick={() => navigate({ screen: 'channel', id: channel.id })}>
                  {channel.name}
                </button>
              </th>
              <td>{providerLabel(channel.provider)}</td>
              <td className="events-cell">{channel.events.join(', ')}</td>
              <td>
                <ChannelState channel={channel} />
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </section>
  );
}

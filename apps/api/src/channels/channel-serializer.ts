import { PREVIOUS_SECRET_KEY } from '@wrenn/crypto';
import type { Channel as ChannelRow } from '@wrenn/db';
import { formatId, rfc3339 } from '@wrenn/events';
import { isProviderName } from '@wrenn/providers';
import type { Channel } from './channel-schemas';

/** The public JSON of a stored channel: config keys, never config values. */
export function serializeChannel(row: ChannelRow): Channel {
  if (!isProviderName(row.provider)) throw new Error(`channel ${row.id} has an unknown provider`);
  return {
    id: formatId('channel', row.id),
    team_id: formatId('team', row.team_id),
    name: row.name,
    provider: row.provider,
    events: row.event_types,
    enabled: row.enabled,
    disabled_reason: row.disabled_reason,
    message_style: row.message_style === 'resource' ? 'resource' : 'each',
    filter: row.filter,
    quiet_hours: row.quiet_hours as Channel['quiet_hours'],
    // A rotated-out secret is the service's, not a setting of the user's.
    config_fields: Object.keys(row.config)
      .filter((key) => key !== PREVIOUS_SECRET_KEY)
      .sort(),
    created_at: rfc3339(row.created_at),
    updated_at: rfc3339(row.updated_at),
  };
}

/** What the audit log keeps of a channel. */
export function channelRef(row: Pick<ChannelRow, 'id' | 'name' | 'provider'>) {
  return { id: formatId('channel', row.id), name: row.name, provider: row.provider };
}

import { type EventPayload, newId, rfc3339 } from '@wrenn/events';

/** The `channel.test` event that test sends deliver. */
export function testEvent(teamId: string, actor: EventPayload['actor']): EventPayload {
  return {
    id: newId('event').id,
    event: 'channel.test',
    timestamp: rfc3339(new Date()),
    team_id: teamId,
    actor,
    resource: { id: 'channel-test', type: 'channel' },
    metadata: { message: 'This is a test notification from Wrenn Channels.' },
  };
}

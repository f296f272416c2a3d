import type { Channel as ChannelRow, Database } from '@wrenn/db';
import type { Kysely } from 'kysely';
import { notFound } from '../http/app-error';
import { findChannel } from './channel-repository';

/**
 * The team's channel a route acts on. No channel with that id and one of
 * another team answer the same 404 (`channel not found`): a team cannot learn
 * which ids exist elsewhere.
 */
export async function requireChannel(db: Kysely<Database>, teamId: string, id: string): Promise<ChannelRow> {
  const row = await findChannel(db, teamId, id);
  if (!row) throw notFound('channel');
  return row;
}

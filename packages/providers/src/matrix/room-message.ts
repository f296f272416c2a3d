import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import type { OutboundRequest, OutboundResponse } from '../outbound/outbound-http';
import type { ChannelConfig, SendContext, SendOutcome } from '../provider';
import { classifyMatrixResponse } from './classify';
import { validateMatrixConfig } from './config';

type Call = { response: OutboundResponse } | { failed: SendOutcome };

async function call(
  url: string,
  init: Omit<OutboundRequest, 'timeoutMs' | 'guarded'>,
  token: string,
  context: SendContext,
): Promise<Call> {
  try {
    // The homeserver is user-supplied: resolve, check and pin its address.
    const response = await context.http.request(url, { ...init, timeoutMs: context.settings.timeoutMs, guarded: true });
    return { response };
  } catch (err) {
    const outcome = outcomeForError(err, context.settings.timeoutMs);
    return { failed: { ...outcome, reason: redactKnown(outcome.reason, [token]) } };
  }
}

/** Resolves `#alias:server` to a room id through the room directory; room ids pass through. */
async function resolveRoom(
  config: ChannelConfig,
  context: SendContext,
): Promise<{ roomId: string } | { failed: SendOutcome }> {
  const room = config.room_id ?? '';
  if (!room.startsWith('#')) return { roomId: room };
  const token = config.access_token ?? '';
  const url = `${homeserver(config)}/_matrix/client/v3/directory/room/${encodeURIComponent(room)}`;
  const result = await call(url, { method: 'GET', headers: headers(token, context) }, token, context);
  if ('failed' in result) return result;
  const outcome = classifyMatrixResponse(result.response, token);
  if (outcome.kind !== 'ok') return { failed: { ...outcome, reason: `resolving the room alias: ${outcome.reason}` } };
  let roomId: unknown;
  try {
    roomId = (JSON.parse(result.response.body) as { room_id?: unknown }).room_id;
  } catch {
    roomId = undefined;
  }
  if (typeof roomId !== 'string' || !roomId.startsWith('!')) {
    return {
      failed: { kind: 'retry', statusCode: result.response.status, reason: 'the room directory gave no room id' },
    };
  }
  return { roomId };
}

function homeserver(config: ChannelConfig): string {
  return (config.homeserver_url ?? '').replace(/\/+$/, '');
}

function headers(token: string, context: SendContext): Record<string, string> {
  return { Authorization: `Bearer ${token}`, 'User-Agent': context.settings.userAgent };
}

/**
 * Sends an `m.room.message` with `content` as transaction `txnId`: the
 * outcome, and the homeserver's answer when there was one (its `event_id`,
 * or the error a caller may want to read further).
 */
export async function sendRoomMessage(
  content: object,
  txnId: string,
  config: ChannelConfig,
  context: SendContext,
): Promise<{ outcome: SendOutcome; response?: OutboundResponse }> {
  // A stored config that no longer passes the rules (an http homeserver once
  // private targets are no longer allowed) must not receive the token.
  const check = validateMatrixConfig(config, context.settings);
  if (!check.ok) {
    return { outcome: { kind: 'permanent', statusCode: null, reason: check.message, cause: 'destination' } };
  }
  const token = config.access_token ?? '';
  const room = await resolveRoom(config, context);
  if ('failed' in room) return { outcome: room.failed };
  // The same transaction id on every retry makes the homeserver return the
  // original event instead of posting a duplicate.
  const url = `${homeserver(config)}/_matrix/client/v3/rooms/${encodeURIComponent(room.roomId)}/send/m.room.message/${encodeURIComponent(txnId)}`;
  const result = await call(
    url,
    {
      method: 'PUT',
      headers: { ...headers(token, context), 'Content-Type': 'application/json' },
      body: JSON.stringify(content),
    },
    token,
    context,
  );
  if ('failed' in result) return { outcome: result.failed };
  return { outcome: classifyMatrixResponse(result.response, token), response: result.response };
}

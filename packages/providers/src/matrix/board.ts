import { createHash } from 'node:crypto';
import { jsonObject } from '../outbound/json-object';
import type { OutboundResponse } from '../outbound/outbound-http';
import type { BoardInput, BoardOutcome, SendContext } from '../provider';
import { isDestinationErrcode } from './classify';
import { renderMatrixBoard } from './render-board';
import { sendRoomMessage } from './room-message';

/**
 * Transaction ids of a board request: stable across retries of the same
 * request, different for its post and its edit (so a post after a refused
 * edit is not answered with the edit's event), and an edit's names the event
 * it replaces (a retry that now edits another message is a new transaction).
 */
export function boardTransactionId(deliveryId: string, originalId?: string): string {
  if (originalId === undefined) return `wrenn-board-post-${deliveryId}`;
  const digest = createHash('sha256').update(`${deliveryId}\n${originalId}`).digest('base64url');
  return `wrenn-board-edit-${digest}`;
}

/**
 * An edit the homeserver refused for the message rather than the channel: a
 * 4xx other than 429, 401, 403 and the errcodes saying the token or room is
 * gone (an unknown or redacted original, an edit of another sender's event).
 */
function refusedForTheMessage(response: OutboundResponse | undefined): boolean {
  if (!response) return false;
  const { status } = response;
  if (status < 400 || status >= 500 || status === 429 || status === 401 || status === 403) return false;
  return !isDestinationErrcode(jsonObject<{ errcode?: unknown }>(response.body).errcode);
}

async function post(input: BoardInput, context: SendContext): Promise<BoardOutcome> {
  const content = renderMatrixBoard(input.resources);
  const sent = await sendRoomMessage(content, boardTransactionId(input.deliveryId), input.config, context);
  if (sent.outcome.kind !== 'ok') return sent.outcome;
  const eventId = jsonObject<{ event_id?: unknown }>(sent.response?.body ?? '').event_id;
  if (typeof eventId !== 'string' || eventId === '') {
    return {
      kind: 'permanent',
      statusCode: sent.outcome.statusCode,
      reason: 'the homeserver did not say which event it created',
      cause: 'other',
    };
  }
  return { ...sent.outcome, message: { event_id: eventId } };
}

/**
 * Posts a board as an `m.notice`, or replaces the notice `input.previous`
 * names (`m.new_content` with `m.relates_to: m.replace` to the original
 * event, never to an earlier edit). An edit refused for the message posts
 * anew in the same call.
 */
export async function sendMatrixBoard(input: BoardInput, context: SendContext): Promise<BoardOutcome> {
  const originalId = input.previous?.event_id;
  if (!originalId) return post(input, context);
  const content = renderMatrixBoard(input.resources, originalId);
  const sent = await sendRoomMessage(content, boardTransactionId(input.deliveryId, originalId), input.config, context);
  if (sent.outcome.kind === 'ok') return { ...sent.outcome, message: { event_id: originalId } };
  if (refusedForTheMessage(sent.response)) return post(input, context);
  return sent.outcome;
}

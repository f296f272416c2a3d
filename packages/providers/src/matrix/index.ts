import { createHash } from 'node:crypto';
import { redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import type { OutboundRequest, OutboundResponse } from '../outbound/outbound-http';
import type { ChannelConfig, Provider, SendContext, SendItem, SendOutcome } from '../provider';
import { classifyMatrixResponse } from './classify';
import { validateMatrixConfig } from './config';
import { type MatrixMessageContent, renderMatrixContent, renderMatrixContents } from './render';

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

/** Matrix client-server API: an `m.notice` with HTML, sent with the delivery id as transaction id. */
export const matrixProvider: Provider = {
  name: 'matrix',
  configKeys: { required: ['homeserver_url', 'access_token', 'room_id'], optional: [] },
  validateConfig: validateMatrixConfig,
  userTargets: (config) => (config.homeserver_url ? [config.homeserver_url] : []),
  messageStyles: ['each'],

  async send({ deliveryId, event, config }, context): Promise<SendOutcome> {
    return sendNotice(renderMatrixContent(event), deliveryId, config, context);
  },

  async sendMany({ items, config }, context) {
    const { message, carried } = renderMatrixContents(items.map((item) => item.event));
    const outcome = await sendNotice(message, transactionId(items.slice(0, carried)), config, context);
    return { outcome, carried };
  },
};

/**
 * The transaction id of a message: the delivery id for one event, and for a
 * combined message a digest of the carried delivery ids, so a retry of the
 * same set of deliveries is recognised by the homeserver and never posts twice.
 */
export function transactionId(inputs: readonly Pick<SendItem, 'deliveryId'>[]): string {
  const [first] = inputs;
  if (inputs.length === 1 && first) return first.deliveryId;
  const digest = createHash('sha256')
    .update(inputs.map((input) => input.deliveryId).join('\n'))
    .digest('base64url');
  return `wrenn-digest-${digest}`;
}

async function sendNotice(
  content: MatrixMessageContent,
  txnId: string,
  config: ChannelConfig,
  context: SendContext,
): Promise<SendOutcome> {
  // A stored config that no longer passes the rules (an http homeserver once
  // private targets are no longer allowed) must not receive the token.
  const check = validateMatrixConfig(config, context.settings);
  if (!check.ok) return { kind: 'permanent', statusCode: null, reason: check.message, cause: 'destination' };
  const token = config.access_token ?? '';
  const room = await resolveRoom(config, context);
  if ('failed' in room) return room.failed;
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
  if ('failed' in result) return result.failed;
  return classifyMatrixResponse(result.response, token);
}

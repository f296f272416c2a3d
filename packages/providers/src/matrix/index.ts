import { createHash } from 'node:crypto';
import type { ChannelConfig, Provider, SendContext, SendItem, SendOutcome } from '../provider';
import { sendMatrixBoard } from './board';
import { validateMatrixConfig } from './config';
import { type MatrixMessageContent, renderMatrixContent, renderMatrixContents } from './render';
import { sendRoomMessage } from './room-message';

/** Matrix client-server API: an `m.notice` with HTML, sent with the delivery id as transaction id. */
export const matrixProvider: Provider = {
  name: 'matrix',
  configKeys: { required: ['homeserver_url', 'access_token', 'room_id'], optional: [] },
  validateConfig: validateMatrixConfig,
  userTargets: (config) => (config.homeserver_url ? [config.homeserver_url] : []),
  messageStyles: ['each', 'resource'],

  async send({ deliveryId, event, config }, context): Promise<SendOutcome> {
    return sendNotice(renderMatrixContent(event), deliveryId, config, context);
  },

  async sendMany({ items, config }, context) {
    const { message, carried } = renderMatrixContents(items.map((item) => item.event));
    const outcome = await sendNotice(message, transactionId(items.slice(0, carried)), config, context);
    return { outcome, carried };
  },

  sendBoard: sendMatrixBoard,
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
  return (await sendRoomMessage(content, txnId, config, context)).outcome;
}

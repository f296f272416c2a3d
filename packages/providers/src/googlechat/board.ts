import type { BoardInput, BoardOutcome, SendContext } from '../provider';
import { postToSpace } from './post-message';
import { boardThreadKey, renderGoogleChatBoard } from './render-board';

/**
 * Google Chat cannot edit through a webhook: every request about a board is a
 * reply in its thread (`thread.threadKey`, falling back to a new thread when
 * it does not exist), the key kept in the reference so later events about
 * any of its resources join the same thread.
 */
export async function sendGoogleChatBoard(input: BoardInput, context: SendContext): Promise<BoardOutcome> {
  const [first] = input.resources;
  if (!first) throw new Error('a board needs at least one resource');
  const threadKey = input.previous?.thread_key || boardThreadKey(first.id);
  const message = renderGoogleChatBoard(input.resources, { deliveryId: input.deliveryId, threadKey });
  const outcome = await postToSpace(message, input.config, context);
  return outcome.kind === 'ok' ? { ...outcome, message: { thread_key: threadKey } } : outcome;
}

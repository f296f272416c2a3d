import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import type { BoardInput, BoardOutcome, MessageRef, SendContext } from '../provider';
import { renderDiscordBoardEmbeds } from './render-board';
import { type DiscordWebhook, openDiscordWebhook, runOnWebhook, type WebhookResult } from './webhook-call';

/**
 * Codes of an edit Discord refuses for the message itself, not the webhook:
 * 10008 Unknown Message (deleted, or never sent by this webhook), 30046 too
 * many edits to a message older than an hour. Both mean: post anew.
 */
const MESSAGE_GONE_CODES = new Set([10008, 30046]);

function refusedForTheMessage(result: WebhookResult<unknown>, webhook: DiscordWebhook): boolean {
  return (
    !result.ok &&
    result.error instanceof webhook.discord.DiscordAPIError &&
    MESSAGE_GONE_CODES.has(Number(result.error.code))
  );
}

function withRate<T extends BoardOutcome>(outcome: T, result: { rateHint?: unknown }): T {
  return result.rateHint ? { ...outcome, rateHint: result.rateHint } : outcome;
}

/** Executes the webhook with `?wait=true`, so Discord answers the message it created and its id. */
async function post(webhook: DiscordWebhook, embeds: APIEmbed[]): Promise<BoardOutcome> {
  const threadId = webhook.threadId;
  const sent = await runOnWebhook(
    webhook,
    (client) =>
      client.send({
        embeds,
        allowedMentions: { parse: [] },
        ...(threadId === undefined ? {} : { threadId }),
      }) as Promise<unknown> as Promise<APIMessage>,
  );
  if (!sent.ok) return sent.outcome;
  const id = sent.value?.id;
  if (typeof id !== 'string' || id === '') {
    return {
      kind: 'permanent',
      statusCode: 200,
      reason: 'Discord did not say which message it posted',
      cause: 'other',
    };
  }
  const message: MessageRef = threadId === undefined ? { message_id: id } : { message_id: id, thread_id: threadId };
  return withRate({ kind: 'ok', statusCode: 200, message }, sent);
}

/**
 * Posts a board, or edits the message `input.previous` names (`PATCH
 * …/messages/{message_id}`, in its thread, mentions disabled again because an
 * edit does not inherit them). An edit refused for the message itself posts
 * anew in the same call.
 */
export async function sendDiscordBoard(input: BoardInput, context: SendContext): Promise<BoardOutcome> {
  const webhook = await openDiscordWebhook(input.config, context.settings);
  if ('failed' in webhook) return webhook.failed;
  const embeds = renderDiscordBoardEmbeds(input.resources);
  const messageId = input.previous?.message_id;
  if (!messageId) return post(webhook, embeds);
  const threadId = input.previous?.thread_id;
  const edited = await runOnWebhook(webhook, (client) =>
    client.editMessage(messageId, {
      embeds,
      allowedMentions: { parse: [] },
      ...(threadId === undefined ? {} : { threadId }),
    }),
  );
  if (edited.ok) {
    const message: MessageRef =
      threadId === undefined ? { message_id: messageId } : { message_id: messageId, thread_id: threadId };
    return withRate({ kind: 'ok', statusCode: 200, message }, edited);
  }
  if (refusedForTheMessage(edited, webhook)) return post(webhook, embeds);
  return edited.outcome;
}

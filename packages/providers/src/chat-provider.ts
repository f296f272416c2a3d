import type { EventPayload } from '@wrenn/events';
import type { ChannelConfig, Provider, SendContext, SendOutcome } from './provider';

/**
 * What sets one chat provider apart: its config rules, the message it renders
 * for one event and for a burst, and how it posts a rendered message. A
 * provider that keeps boards or asks its destination passes those hooks as they are.
 */
export interface ChatProviderParts<Message>
  extends Pick<
    Provider,
    'name' | 'configKeys' | 'validateConfig' | 'userTargets' | 'messageStyles' | 'sendBoard' | 'checkDestination'
  > {
  renderOne(event: EventPayload): Message;
  /** The message carrying the leading `events`, and how many it carries (at least one). */
  renderMany(events: readonly EventPayload[]): { message: Message; carried: number };
  post(message: Message, config: ChannelConfig, context: SendContext): Promise<SendOutcome>;
}

/**
 * A provider whose one event and whose burst differ only in what is rendered:
 * `send` posts `renderOne`'s message, `sendMany` posts `renderMany`'s digest
 * and reports how many events it carried.
 */
export function chatProvider<Message>({ renderOne, renderMany, post, ...parts }: ChatProviderParts<Message>): Provider {
  return {
    ...parts,
    send({ event, config }, context) {
      return post(renderOne(event), config, context);
    },
    async sendMany({ items, config }, context) {
      const { message, carried } = renderMany(items.map((item) => item.event));
      return { outcome: await post(message, config, context), carried };
    },
  };
}

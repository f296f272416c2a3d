import { PREVIOUS_SECRET_KEY } from '@wrenn/crypto';
import { parseTraceparent, redactKnown } from '@wrenn/runtime';
import { outcomeForError } from '../outbound/failures';
import type { OutboundResponse } from '../outbound/outbound-http';
import type { Provider, SendOutcome } from '../provider';
import { classifyWebhookResponse } from './classify';
import { validateWebhookConfig } from './config';
import { renderWebhookBody, webhookHeaders } from './render';

/** Generic signed webhook: POSTs the event JSON, signed with the channel's secret. */
export const webhookProvider: Provider = {
  name: 'webhook',
  configKeys: { required: ['url'], optional: ['secret'] },
  validateConfig: validateWebhookConfig,
  userTargets: (config) => (config.url ? [config.url] : []),
  messageStyles: ['each'],

  async send({ deliveryId, event, config, traceparent }, { settings, http }): Promise<SendOutcome> {
    const url = config.url ?? '';
    const previousSecret = config[PREVIOUS_SECRET_KEY];
    const secrets = [config.secret ?? '', previousSecret ?? '', url];
    const body = renderWebhookBody(event);
    const headers = webhookHeaders({
      deliveryId,
      body,
      secret: config.secret,
      previousSecret,
      at: new Date(),
      userAgent: settings.userAgent,
    });
    // Only a well-formed context is passed on: the receiver's tracing must not trip on ours.
    if (traceparent && parseTraceparent(traceparent)) headers.traceparent = traceparent;
    let response: OutboundResponse;
    try {
      response = await http.request(url, {
        method: 'POST',
        headers,
        body,
        timeoutMs: settings.timeoutMs,
        guarded: true,
      });
    } catch (err) {
      const outcome = outcomeForError(err, settings.timeoutMs);
      return { ...outcome, reason: redactKnown(outcome.reason, secrets) };
    }
    return classifyWebhookResponse(response, secrets);
  },

  // A signed request carries exactly one event: its id and signature are that delivery's.
  async sendMany({ items: [first], ...target }, context) {
    if (!first) throw new Error('sendMany needs at least one event');
    return { outcome: await webhookProvider.send({ ...first, ...target }, context), carried: 1 };
  },
};

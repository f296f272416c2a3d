import { redactKnown } from '@wrenn/runtime';
import { summarizeResponse } from '../outbound/failures';
import type { OutboundResponse } from '../outbound/outbound-http';
import { rateHintOfHeaders } from '../outbound/rate-headers';
import { parseRetryAfter } from '../outbound/retry-after';
import { retryOutcome } from '../outbound/status-class';
import type { SendOutcome } from '../provider';

/**
 * Maps a receiver's answer to an outcome, as Stripe and Svix do: 2xx is
 * delivered, 410 Gone disables the endpoint, anything else (3xx included,
 * since redirects are never followed) is retried, honouring `Retry-After`.
 * Rate-limit headers ride along as a `rateHint`.
 */
export function classifyWebhookResponse(response: OutboundResponse, secrets: readonly string[] = []): SendOutcome {
  const outcome = classifyStatus(response, secrets);
  if (outcome.kind === 'permanent') return outcome;
  // What the endpoint says about its rate sets the pace, on successes as on refusals.
  const rateHint = rateHintOfHeaders(response.headers);
  return rateHint ? { ...outcome, rateHint } : outcome;
}

function classifyStatus(response: OutboundResponse, secrets: readonly string[]): SendOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) return { kind: 'ok', statusCode: status };
  const summary = redactKnown(summarizeResponse(status, response.body), secrets);
  if (status === 410) {
    return {
      kind: 'permanent',
      statusCode: status,
      reason: `${summary} (endpoint gone)`,
      cause: 'destination',
      disableNow: true,
    };
  }
  const reason = status >= 300 && status < 400 ? `${summary} (redirects are not followed)` : summary;
  return retryOutcome(status, reason, parseRetryAfter(response.headers['retry-after']));
}

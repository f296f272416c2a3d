import { printableReason, type SendOutcome } from '@wrenn/providers';

/**
 * The outcome with its reason made printable. `sendEvent` already cleans what
 * a destination answered; the worker stores only what passes the same rule
 * again, so no reason from any path can make an attempt unstorable.
 */
export function storableOutcome(outcome: SendOutcome): SendOutcome {
  if (outcome.kind === 'ok') return outcome;
  const reason = printableReason(outcome.reason) || `HTTP ${outcome.statusCode ?? 'error'}`;
  return reason === outcome.reason ? outcome : { ...outcome, reason };
}

import { printableReason } from './printable-reason';
import type { ChannelConfig, ProviderName, SendContext, SendInput, SendOutcome } from './provider';
import { providers } from './registry';

/** Path segments and query values at least this long may be credentials. */
const MIN_FRAGMENT_LENGTH = 12;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Every config value, plus the parts of URL values a receiver may echo back
 * on their own (a token in a webhook URL's path or query), longest first.
 */
export function secretFragments(config: ChannelConfig): string[] {
  const fragments = new Set<string>();
  for (const value of Object.values(config)) {
    fragments.add(value);
    if (!URL.canParse(value)) continue;
    const url = new URL(value);
    if (url.username) fragments.add(url.username).add(safeDecode(url.username));
    if (url.password) fragments.add(url.password).add(safeDecode(url.password));
    for (const segment of url.pathname.split('/')) {
      if (segment.length < MIN_FRAGMENT_LENGTH) continue;
      fragments.add(segment);
      fragments.add(safeDecode(segment));
    }
    for (const param of url.searchParams.values()) {
      if (param.length < MIN_FRAGMENT_LENGTH) continue;
      fragments.add(param);
      fragments.add(encodeURIComponent(param));
    }
  }
  return [...fragments].sort((a, b) => b.length - a.length);
}

/**
 * Sends one event through its provider: the one entry point of the worker and
 * of test sends. Whatever the provider reports, the reason leaves here once
 * as printable text (see {@link printableReason}) without any config value or
 * URL credential in it; an unexpected throw becomes a retry.
 */
export async function sendEvent(provider: ProviderName, input: SendInput, context: SendContext): Promise<SendOutcome> {
  let outcome: SendOutcome;
  try {
    outcome = await providers[provider].send(input, context);
  } catch (err) {
    outcome = {
      kind: 'retry',
      statusCode: null,
      reason: `unexpected error: ${(err as Error)?.message ?? String(err)}`,
    };
  }
  if (outcome.kind === 'ok') return outcome;
  return { ...outcome, reason: printableReason(outcome.reason, secretFragments(input.config)) };
}

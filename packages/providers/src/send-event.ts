import { printableReason } from './printable-reason';
import type {
  BoardInput,
  BoardOutcome,
  ChannelConfig,
  MessageStyle,
  Provider,
  ProviderName,
  SendBatchInput,
  SendContext,
  SendInput,
  SendOutcome,
  SentBatch,
} from './provider';
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

/** Turns an unexpected throw into a retry: only I/O outcomes are expected to come back. */
async function settle<T>(send: () => Promise<T>, asOutcome: (outcome: SendOutcome) => T): Promise<T> {
  try {
    return await send();
  } catch (err) {
    return asOutcome({
      kind: 'retry',
      statusCode: null,
      reason: `unexpected error: ${(err as Error)?.message ?? String(err)}`,
    });
  }
}

function printable(outcome: SendOutcome, config: SendInput['config']): SendOutcome {
  if (outcome.kind === 'ok') return outcome;
  return { ...outcome, reason: printableReason(outcome.reason, secretFragments(config)) };
}

/**
 * Sends one event through its provider: the entry point of test sends.
 * Whatever the provider reports, the reason leaves here once as printable
 * text (see {@link printableReason}) without any config value or URL
 * credential in it; an unexpected throw becomes a retry.
 */
export async function sendEvent(provider: ProviderName, input: SendInput, context: SendContext): Promise<SendOutcome> {
  const outcome = await settle(
    () => providers[provider].send(input, context),
    (o) => o,
  );
  return printable(outcome, input.config);
}

/**
 * Sends the leading events of `input.items` (one channel, in ingest order) in
 * one request: as many as the provider fits in one message, at least the first.
 * The worker's entry point; the outcome is cleaned as in {@link sendEvent}.
 */
export async function sendEvents(
  provider: ProviderName,
  input: SendBatchInput,
  context: SendContext,
): Promise<SentBatch> {
  if (input.items.length === 0) throw new Error('sendEvents needs at least one event');
  const sent = await settle<SentBatch>(
    () => providers[provider].sendMany(input, context),
    (outcome) => ({ outcome, carried: 1 }),
  );
  const carried = Math.min(Math.max(1, sent.carried), input.items.length);
  return { outcome: printable(sent.outcome, input.config), carried };
}

/**
 * Posts or updates one resource-style message (see `Provider.sendBoard`);
 * the outcome is cleaned as in {@link sendEvent}.
 */
export async function sendBoard(
  provider: ProviderName,
  input: BoardInput,
  context: SendContext,
): Promise<BoardOutcome> {
  const send = providers[provider].sendBoard;
  if (!send) throw new Error(`${provider} cannot keep one message per resource`);
  const outcome = await settle<BoardOutcome>(
    () => send(input, context),
    (o) => o as BoardOutcome,
  );
  return outcome.kind === 'ok' ? outcome : (printable(outcome, input.config) as BoardOutcome);
}

/** The providers that can keep one message per resource, for error messages and `GET /v1/providers`. */
export function providersWithStyle(style: MessageStyle): ProviderName[] {
  return (Object.values(providers) as Provider[]).filter((p) => p.messageStyles.includes(style)).map((p) => p.name);
}

import { newId } from '@wrenn/events';
import { type ChannelConfig, type ProviderName, providers, testEvent } from '@wrenn/providers';
import { redactKnown } from '@wrenn/runtime';
import type { ApiDeps } from '../deps';
import type { AuthContext } from '../http/auth';
import { checkOutboundTargets } from './channel-config';

/** Path segments and query values at least this long may be credentials. */
const MIN_FRAGMENT_LENGTH = 12;

/**
 * Every config value, plus the parts of URL values a receiver may echo back
 * on their own (a token in a webhook URL's path or query), longest first.
 * Providers redact their own secrets; this also covers what they cannot know.
 */
export function secretFragments(config: ChannelConfig): string[] {
  const fragments = new Set<string>();
  for (const value of Object.values(config)) {
    fragments.add(value);
    if (!URL.canParse(value)) continue;
    const url = new URL(value);
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

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export type TestSendResult =
  | { ok: true }
  | { ok: false; reason: 'refused_target'; message: string }
  | { ok: false; reason: 'delivery_failed'; message: string };

/**
 * Sends a `channel.test` event now, through the same provider code the worker
 * uses, and stores nothing. A provider's answer is summarised without any of
 * the config's values.
 */
export async function sendTestEvent(
  deps: Pick<ApiDeps, 'http' | 'providerSettings' | 'logger'>,
  auth: AuthContext,
  provider: ProviderName,
  config: ChannelConfig,
): Promise<TestSendResult> {
  const target = await checkOutboundTargets(deps.http, provider, config);
  if (!target.ok) return { ok: false, reason: 'refused_target', message: target.message };

  const event = testEvent(auth.teamId, { type: 'user', id: auth.userId, ...(auth.name ? { name: auth.name } : {}) });
  const outcome = await providers[provider].send(
    { deliveryId: newId('delivery').id, event, config },
    { settings: deps.providerSettings, http: deps.http },
  );
  if (outcome.kind === 'ok') return { ok: true };
  const reason = redactKnown(outcome.reason, secretFragments(config));
  deps.logger.info(
    { provider, team_id: auth.teamId, outcome: outcome.kind, status: outcome.statusCode, reason },
    'test send failed',
  );
  return { ok: false, reason: 'delivery_failed', message: `${provider} did not accept the test event: ${reason}` };
}

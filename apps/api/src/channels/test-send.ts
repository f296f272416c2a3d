import { newId } from '@wrenn/events';
import { type ChannelConfig, type ProviderName, providers, testEvent } from '@wrenn/providers';
import { redactKnown } from '@wrenn/runtime';
import type { ApiDeps } from '../deps';
import type { AuthContext } from '../http/auth';
import { checkOutboundTargets } from './channel-config';

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
  deps: Pick<ApiDeps, 'http' | 'providerSettings'>,
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
  // Providers redact already; stripping every config value again costs nothing.
  const reason = redactKnown(outcome.reason, Object.values(config));
  return { ok: false, reason: 'delivery_failed', message: `${provider} did not accept the test event: ${reason}` };
}

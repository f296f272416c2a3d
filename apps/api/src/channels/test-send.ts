import { newId } from '@wrenn/events';
import { type ChannelConfig, type ProviderName, sendEvent, testEvent } from '@wrenn/providers';
import type { ApiDeps } from '../deps';
import type { AuthContext } from '../http/auth';
import { checkDestination, checkOutboundTargets } from './channel-config';

export type TestSendResult =
  | { ok: true }
  | { ok: false; reason: 'refused_target'; message: string }
  | { ok: false; reason: 'refused_config'; message: string }
  | { ok: false; reason: 'delivery_failed'; message: string };

/**
 * Sends a `channel.test` event now, through the same provider code the worker
 * uses, and stores nothing. A config the destination refuses before anything
 * is sent (a Slack app's token or channel) is `refused_config`. A provider's answer is summarised without any of
 * the config's values.
 */
export async function sendTestEvent(
  deps: Pick<ApiDeps, 'http' | 'providerSettings' | 'logger'>,
  auth: AuthContext,
  provider: ProviderName,
  config: ChannelConfig,
): Promise<TestSendResult> {
  const target = await checkOutboundTargets(deps.http, deps.providerSettings, provider, config);
  if (!target.ok) return { ok: false, reason: 'refused_target', message: target.message };
  const destination = await checkDestination(deps.http, deps.providerSettings, provider, config);
  if (!destination.ok) {
    if (destination.kind === 'invalid') return { ok: false, reason: 'refused_config', message: destination.message };
    deps.logger.info(
      { provider, team_id: auth.teamId, reason: destination.message },
      'test send: destination check failed',
    );
    return { ok: false, reason: 'delivery_failed', message: destination.message };
  }

  const event = testEvent(auth.teamId, { type: 'user', id: auth.userId, ...(auth.name ? { name: auth.name } : {}) });
  const outcome = await sendEvent(
    provider,
    { deliveryId: newId('delivery').id, event, config },
    { settings: deps.providerSettings, http: deps.http },
  );
  if (outcome.kind === 'ok') return { ok: true };
  const { reason } = outcome;
  deps.logger.info(
    { provider, team_id: auth.teamId, outcome: outcome.kind, status: outcome.statusCode, reason },
    'test send failed',
  );
  return { ok: false, reason: 'delivery_failed', message: `${provider} did not accept the test event: ${reason}` };
}

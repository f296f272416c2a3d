import { generateWebhookSecret } from '@wrenn/crypto';
import {
  type ChannelConfig,
  type OutboundHttp,
  type ProviderName,
  providers,
  TargetNotAllowedError,
} from '@wrenn/providers';

export type TargetCheck = { ok: true } | { ok: false; message: string };

/**
 * The outbound-safety rule at create, rotate and test time: every
 * user-supplied URL must resolve to addresses that may be reached. The
 * message names the refused address, never the URL (its path may hold a token).
 */
export async function checkOutboundTargets(
  http: OutboundHttp,
  provider: ProviderName,
  config: ChannelConfig,
): Promise<TargetCheck> {
  for (const url of providers[provider].userTargets(config)) {
    try {
      await http.checkTarget(url);
    } catch (err) {
      if (err instanceof TargetNotAllowedError) return { ok: false, message: err.message };
      throw err;
    }
  }
  return { ok: true };
}

/**
 * A webhook config without a secret gets a generated one, returned to the
 * caller once; a secret the user supplied is kept and never echoed.
 */
export function withGeneratedSecret(
  provider: ProviderName,
  config: ChannelConfig,
): { config: ChannelConfig; generatedSecret?: string } {
  if (provider !== 'webhook' || config.secret !== undefined) return { config };
  const generatedSecret = generateWebhookSecret();
  return { config: { ...config, secret: generatedSecret }, generatedSecret };
}

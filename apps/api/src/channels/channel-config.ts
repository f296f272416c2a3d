import { generateWebhookSecret, PREVIOUS_SECRET_KEY } from '@wrenn/crypto';
import type { Channel as ChannelRow } from '@wrenn/db';
import {
  type ChannelConfig,
  type DestinationCheck,
  type OutboundHttp,
  type ProviderName,
  type ProviderSettings,
  providers,
  TargetNotAllowedError,
  validateChannelConfig,
} from '@wrenn/providers';
import { AppError, invalid } from '../http/app-error';

export type TargetCheck = { ok: true } | { ok: false; message: string };

/**
 * Checks a config against its provider's rules (some depend on the
 * operator's settings) and returns the normalised config to store; a bad
 * config is a 400 whose message names the key to fix, never a value.
 */
export function validatedConfig(settings: ProviderSettings, provider: ProviderName, config: unknown): ChannelConfig {
  const check = validateChannelConfig(provider, config, settings);
  if (!check.ok) throw invalid(check.message);
  return check.config;
}

/**
 * The outbound-safety rule at create, rotate and test time: every
 * user-supplied URL must resolve to addresses that may be reached. The
 * message names the refused address, never the URL (its path may hold a token).
 */
export async function checkOutboundTargets(
  http: OutboundHttp,
  settings: ProviderSettings,
  provider: ProviderName,
  config: ChannelConfig,
): Promise<TargetCheck> {
  for (const url of providers[provider].userTargets(config, settings)) {
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
 * Asks the destination whether a config works, for providers whose config
 * shape says too little (a Slack app's token and channel): a config it
 * refuses is `invalid`, one it could not be asked about is `unreachable`.
 * Every other provider's config passes as it is.
 */
export function checkDestination(
  http: OutboundHttp,
  settings: ProviderSettings,
  provider: ProviderName,
  config: ChannelConfig,
): Promise<DestinationCheck> {
  const check = providers[provider].checkDestination;
  return check ? check(config, { settings, http }) : Promise.resolve({ ok: true });
}

/**
 * {@link checkDestination} before a config is stored: a refused config is a
 * 400, a destination that could not be asked a 503 (try again shortly).
 */
export async function requireWorkingDestination(
  http: OutboundHttp,
  settings: ProviderSettings,
  provider: ProviderName,
  config: ChannelConfig,
): Promise<void> {
  const check = await checkDestination(http, settings, provider, config);
  if (check.ok) return;
  throw check.kind === 'invalid' ? invalid(check.message) : new AppError('unavailable', check.message);
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

/**
 * The sealed config a send uses now: a rotated-out secret whose grace period
 * has ended no longer signs, even before the worker has dropped it.
 */
export function liveSealedConfig(
  row: Pick<ChannelRow, 'config' | 'previous_secret_expires_at'>,
  now = new Date(),
): Record<string, string> {
  const expiresAt = row.previous_secret_expires_at;
  if (expiresAt !== null && expiresAt > now) return row.config;
  const { [PREVIOUS_SECRET_KEY]: _lapsed, ...config } = row.config;
  return config;
}

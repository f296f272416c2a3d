import type { ChannelConfig, ConfigCheck, ProviderName, ProviderSettings } from './provider';
import { providers } from './registry';

/** Longest accepted config value; long enough for any real URL or token. */
export const MAX_CONFIG_VALUE_LENGTH = 2048;

/** In a `u` pattern a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Validates a channel config for a provider: a flat object of strings, every
 * required key present, no unknown key, then the provider's own shape rules
 * (some of which depend on the operator's settings).
 */
export function validateChannelConfig(
  provider: ProviderName,
  config: unknown,
  settings: ProviderSettings,
): ConfigCheck {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return { ok: false, message: 'config must be an object of strings' };
  }
  const { required, optional, oneOf = [] } = providers[provider].configKeys;
  const allowed = new Set([...required, ...optional, ...oneOf.flat()]);
  const entries = Object.entries(config as Record<string, unknown>);
  for (const [key, value] of entries) {
    if (!allowed.has(key)) {
      return { ok: false, message: `config.${key} is not a ${provider} setting (allowed: ${[...allowed].join(', ')})` };
    }
    if (typeof value !== 'string') return { ok: false, message: `config.${key} must be a string` };
    if (value.length > MAX_CONFIG_VALUE_LENGTH) {
      return { ok: false, message: `config.${key} is longer than ${MAX_CONFIG_VALUE_LENGTH} characters` };
    }
    // JSON can carry a lone surrogate ("\ud800"), which no UTF-8 encoder (nor the sealing of configs) accepts.
    if (LONE_SURROGATE.test(value)) {
      return { ok: false, message: `config.${key} is not well-formed Unicode (it contains a lone surrogate)` };
    }
  }
  const trimmed: ChannelConfig = {};
  for (const [key, value] of entries) {
    const v = (value as string).trim();
    if (v !== '') trimmed[key] = v;
  }
  for (const key of required) {
    if (!(key in trimmed)) return { ok: false, message: `config.${key} is required for ${provider}` };
  }
  const form = oneOf.length > 0 ? formProblem(provider, oneOf, trimmed) : undefined;
  if (form) return { ok: false, message: form };
  return providers[provider].validateConfig(trimmed, settings);
}

/** "webhook_url, or bot_token and channel_id" */
function formsText(forms: readonly (readonly string[])[]): string {
  return forms.map((keys) => keys.join(' and ')).join(', or ');
}

/**
 * Why a config does not hold exactly one of its provider's alternative forms
 * in full, naming the keys: none given, two mixed, or one given in part.
 */
function formProblem(
  provider: ProviderName,
  forms: readonly (readonly string[])[],
  config: ChannelConfig,
): string | undefined {
  const touched = forms.filter((keys) => keys.some((key) => key in config));
  const [form] = touched;
  if (!form) return `config needs ${formsText(forms)} for ${provider}`;
  if (touched.length > 1) {
    const given = touched.map((keys) => keys.filter((key) => key in config).join(' and '));
    return `config mixes two ${provider} forms (${given.join(' with ')}): give either ${formsText(forms)}, not both`;
  }
  const missing = form.filter((key) => !(key in config));
  const given = form.filter((key) => key in config);
  if (missing.length > 0) {
    return `config.${missing[0]} is required with config.${given.join(' and config.')} for ${provider} (or give ${formsText(forms.filter((keys) => keys !== form))} instead)`;
  }
  return undefined;
}

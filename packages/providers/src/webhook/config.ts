import { webhookSecretProblem } from '@wrenn/crypto';
import type { ChannelConfig, ConfigCheck } from '../provider';

/**
 * Checks a webhook config: `url` is an absolute http(s) URL without
 * credentials; `secret`, when given, must make a strong HMAC key (see `webhookSecretProblem`).
 */
export function validateWebhookConfig(config: ChannelConfig): ConfigCheck {
  const raw = config.url ?? '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'config.url must be an absolute http or https URL' };
  }
  // URL parsing would quietly encode a space pasted inside the URL.
  if (/\s/.test(raw.trim())) return { ok: false, message: 'config.url must not contain spaces or line breaks' };
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: 'config.url must use http or https' };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'config.url must not contain a user name or password' };
  }
  if (!url.hostname) return { ok: false, message: 'config.url must name a host' };
  const out: ChannelConfig = { url: raw };
  if (config.secret !== undefined) {
    const problem = webhookSecretProblem(config.secret);
    if (problem) return { ok: false, message: `config.secret ${problem}` };
    out.secret = config.secret;
  }
  return { ok: true, config: out };
}

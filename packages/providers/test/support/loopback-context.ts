import { createOutboundHttp, type OutboundHttpOptions } from '../../src/outbound/outbound-http';
import type { ProviderSettings, SendContext } from '../../src/provider';

/** Settings that reach loopback fakes; override per test. */
export function testSettings(overrides: Partial<ProviderSettings> = {}): ProviderSettings {
  return {
    allowPrivateTargets: true,
    discordApiBase: 'http://127.0.0.1:9/api',
    telegramApiBase: 'http://127.0.0.1:9',
    timeoutMs: 2_000,
    userAgent: 'Wrenn-Webhooks/0.0.0-test',
    ...overrides,
  };
}

/** A send context with a real outbound client (resolver options passed on); call `close()` after the test. */
export function loopbackContext(
  overrides: Partial<ProviderSettings> = {},
  http: Omit<OutboundHttpOptions, 'allowPrivateTargets'> = {},
): SendContext & { close(): Promise<void> } {
  const settings = testSettings(overrides);
  const client = createOutboundHttp({ ...http, allowPrivateTargets: settings.allowPrivateTargets });
  return { settings, http: client, close: () => client.close() };
}

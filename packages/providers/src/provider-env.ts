import { envBoolean, envDuration, httpUrl, SERVICE_VERSION } from '@wrenn/runtime';
import { z } from 'zod';
import type { ProviderSettings } from './provider';

/** Environment variables both apps read for outbound delivery (CONTRACT section 3). */
export const providerEnvShape = {
  WRENN_ALLOW_PRIVATE_TARGETS: envBoolean.default(false),
  WRENN_DISCORD_API_BASE: httpUrl.default('https://discord.com/api'),
  WRENN_SLACK_API_BASE: httpUrl.optional(),
  WRENN_TEAMS_API_BASE: httpUrl.optional(),
  WRENN_GOOGLECHAT_API_BASE: httpUrl.optional(),
  WRENN_TELEGRAM_API_BASE: httpUrl.default('https://api.telegram.org'),
  /** How long one request to a provider may take, connection to last byte; default 10 s. */
  WRENN_PROVIDER_TIMEOUT: envDuration({ min: 1_000, max: 120_000 }).default(10_000),
};

const providerEnv = z.object(providerEnvShape);

/** Builds provider settings from the parsed environment. */
export function providerSettingsFromEnv(env: z.infer<typeof providerEnv>): ProviderSettings {
  const trim = (url: string | undefined) => url?.replace(/\/+$/, '');
  return {
    allowPrivateTargets: env.WRENN_ALLOW_PRIVATE_TARGETS,
    discordApiBase: trim(env.WRENN_DISCORD_API_BASE) as string,
    slackApiBase: trim(env.WRENN_SLACK_API_BASE),
    teamsApiBase: trim(env.WRENN_TEAMS_API_BASE),
    googleChatApiBase: trim(env.WRENN_GOOGLECHAT_API_BASE),
    telegramApiBase: trim(env.WRENN_TELEGRAM_API_BASE) as string,
    timeoutMs: env.WRENN_PROVIDER_TIMEOUT,
    userAgent: `Wrenn-Webhooks/${SERVICE_VERSION}`,
  };
}

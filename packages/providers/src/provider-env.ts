import { envVars, SERVICE_VERSION } from '@wrenn/runtime';
import type { z } from 'zod';
import type { ProviderSettings } from './provider';

const providerEnv = envVars.pick({
  WRENN_ALLOW_PRIVATE_TARGETS: true,
  WRENN_DISCORD_API_BASE: true,
  WRENN_SLACK_API_BASE: true,
  WRENN_TEAMS_API_BASE: true,
  WRENN_GOOGLECHAT_API_BASE: true,
  WRENN_TELEGRAM_API_BASE: true,
  WRENN_PROVIDER_TIMEOUT: true,
});

/** Environment variables both apps read for outbound delivery; spread into each app's schema. */
export const providerEnvShape = providerEnv.shape;

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

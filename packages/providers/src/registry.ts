import { discordProvider } from './discord';
import { googleChatProvider } from './googlechat';
import { matrixProvider } from './matrix';
import type { Provider, ProviderName } from './provider';
import { slackProvider } from './slack';
import { teamsProvider } from './teams';
import { telegramProvider } from './telegram';
import { webhookProvider } from './webhook';

/** Every provider by name; a missing entry is a compile error. */
export const providers: Readonly<Record<ProviderName, Provider>> = {
  discord: discordProvider,
  slack: slackProvider,
  teams: teamsProvider,
  googlechat: googleChatProvider,
  telegram: telegramProvider,
  matrix: matrixProvider,
  webhook: webhookProvider,
};

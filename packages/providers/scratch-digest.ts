import { renderDiscordEmbeds } from './src/discord';
import { renderSlackMessages } from './src/slack';
import { renderTeamsMessages } from './src/teams';
import { renderGoogleChatMessages } from './src/googlechat';
import { fitTelegramText } from './src/telegram/render';
import { renderMatrixContents } from './src/matrix/render';
import { sampleEvent } from './test/support/chat-fixtures';
const events = [
  sampleEvent('capsule.created', { id: 'evt-1', timestamp: '2026-04-09T11:06:06Z' }),
  sampleEvent('capsule.paused', { id: 'evt-2', timestamp: '2026-04-09T11:07:30Z' }),
  sampleEvent('capsule.destroyed', { id: 'evt-3', timestamp: '2026-04-09T11:08:10Z' }),
];
const which = process.argv[2];
const out: Record<string, unknown> = {
  discord: renderDiscordEmbeds(events), slack: renderSlackMessages(events), teams: renderTeamsMessages(events),
  googlechat: renderGoogleChatMessages(events), telegram: fitTelegramText(events), matrix: renderMatrixContents(events),
};
console.log(JSON.stringify(which ? out[which] : out, null, 2));

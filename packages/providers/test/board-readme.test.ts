import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDiscordBoardEmbeds } from '../src/discord';
import { renderGoogleChatBoard } from '../src/googlechat';
import { renderMatrixBoard } from '../src/matrix/render-board';
import { renderSlackBoard } from '../src/slack';
import { renderTelegramBoard } from '../src/telegram/board';
import { capsuleBoard } from './support/board-fixtures';

const DASHBOARD = 'https://dash.wrenn.example/capsules/cl-7f3a9c';
/** The sample capsule after `count` of its steps, each event carrying its dashboard link. */
const capsule = (count: number) =>
  capsuleBoard(count, { resource: { type: 'sandbox', id: 'cl-7f3a9c', url: DASHBOARD } });

/**
 * What each provider's subsection of the README shows, in order: the
 * message after the capsule's first event, then after its fourth. A
 * provider added to the README gets its entry here, or the test fails.
 */
const EXPECTED: Record<string, () => unknown[]> = {
  Discord: () =>
    [1, 4].map((count) => ({ embeds: renderDiscordBoardEmbeds([capsule(count)]), allowed_mentions: { parse: [] } })),
  Matrix: () => [renderMatrixBoard([capsule(1)]), renderMatrixBoard([capsule(4)], '$original-notice-id')],
  Slack: () => {
    const [first, last] = [renderSlackBoard([capsule(1)]), renderSlackBoard([capsule(4)])];
    return [
      { channel: 'C0123456789', text: first.text, blocks: first.blocks },
      { channel: 'C0123456789', ts: '1775732400.000100', text: last.text, blocks: last.blocks },
    ];
  },
  Telegram: () => {
    const target = { chatId: -1001234567890 };
    return [
      renderTelegramBoard([capsule(1)], target),
      { ...renderTelegramBoard([capsule(4)], target), message_id: 4711 },
    ];
  },
  'Google Chat': () =>
    [1, 4].map((count) =>
      renderGoogleChatBoard([capsule(count)], { deliveryId: `dlv-${count}`, threadKey: 'cl-7f3a9c' }),
    ),
};

/** The JSON blocks of each `#### Provider` subsection of the README's "One message per resource". */
function readmeBlocks(): Map<string, unknown[]> {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('## One message per resource');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 5));
  const blocks = new Map<string, unknown[]>();
  for (const part of section.split('\n#### ').slice(1)) {
    const name = part.slice(0, part.indexOf('\n')).trim();
    blocks.set(
      name,
      [...part.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as unknown),
    );
  }
  return blocks;
}

describe('the README shows what the board renderers produce', () => {
  const shown = readmeBlocks();

  it('has a subsection for every provider checked here, and checks every subsection', () => {
    expect([...shown.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('%s: the capsule before and after its updates', (provider) => {
    expect(shown.get(provider)).toEqual(EXPECTED[provider]!());
  });
});

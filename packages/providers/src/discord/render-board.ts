import type { APIEmbed } from 'discord-api-types/v10';
import type { BoardResource } from '../provider';
import { SEVERITY_COLORS, truncate } from '../render';
import { type BoardDescription, type BoardEntry, boardEntryLines, renderFittedBoard } from '../render/board';
import { SEVERITY_MARKS } from '../render/rich-text';
import { DISCORD_EMBED_LIMITS, DISCORD_MAX_EMBEDS, discordMessageFits, embedTextLength } from './embed-limits';
import { escapeDiscordMarkdown } from './escape-markdown';

const FOOTER_MAX = 120;

function entryTitle(entry: BoardEntry): string {
  return truncate(`${entry.label} ${escapeDiscordMarkdown(entry.id)} · ${entry.state}`, DISCORD_EMBED_LIMITS.title);
}

/** One resource as an embed: its state in the title, its link as the title's `url`, its events as lines. */
function entryEmbed(entry: BoardEntry, linked: Set<string>): APIEmbed {
  const lines = boardEntryLines(entry, {
    earlier: (text) => `*${text}*`,
    event: (line, detail) => `${SEVERITY_MARKS[line.severity]} **${line.title}** · ${escapeDiscordMarkdown(detail)}`,
  });
  const embed: APIEmbed = {
    title: entryTitle(entry),
    description: lines.join('\n'),
    color: SEVERITY_COLORS[entry.severity],
  };
  // Discord shows only the first of several embeds with the same url.
  if (entry.url && !linked.has(entry.url)) {
    embed.url = entry.url;
    linked.add(entry.url);
  }
  return embed;
}

/**
 * Resources beyond the ninth share the last embed, one line each, as many as
 * the room left allows; the rest are counted.
 */
function overflowEmbed(entries: readonly BoardEntry[], room: number): APIEmbed {
  const title = `${entries.length} more resource${entries.length === 1 ? '' : 's'}`;
  const budget = Math.min(DISCORD_EMBED_LIMITS.description, room - title.length);
  const lines: string[] = [];
  let used = 0;
  for (const [index, entry] of entries.entries()) {
    const latest = entry.lines.at(-1);
    const line = `${SEVERITY_MARKS[entry.severity]} ${entryTitle(entry)}${latest ? ` · ${latest.time}` : ''}`;
    const left = entries.length - index - 1;
    // Keep room for the line that counts what is left out.
    const reserve = left > 0 ? 40 : 0;
    if (used + line.length + 1 + reserve > budget) {
      lines.push(`… and ${entries.length - index} more`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return { title, description: lines.join('\n') || '…', color: SEVERITY_COLORS.info };
}

/**
 * Renders a board as embeds: one per resource (title "Capsule cl-… ·
 * destroyed" linking to the dashboard, colour of its current state, its
 * events as description lines), the headline in the footer. More than ten
 * resources: the first nine get their own embed and the rest are listed in
 * a tenth. Nothing is cut to fit here except that last list: the caller trims
 * lines (see {@link renderFittedBoard}).
 */
export function renderDiscordBoard(board: BoardDescription): APIEmbed[] {
  const linked = new Set<string>();
  const own =
    board.resources.length <= DISCORD_MAX_EMBEDS ? board.resources : board.resources.slice(0, DISCORD_MAX_EMBEDS - 1);
  const embeds = own.map((entry) => entryEmbed(entry, linked));
  const footer = truncate(`Wrenn Channels · ${escapeDiscordMarkdown(board.headline)}`, FOOTER_MAX);
  const rest = board.resources.slice(own.length);
  if (rest.length > 0) {
    const used = embeds.reduce((sum, embed) => sum + embedTextLength(embed), 0) + footer.length;
    embeds.push(overflowEmbed(rest, DISCORD_EMBED_LIMITS.total - used));
  }
  const last = embeds.at(-1);
  if (last) last.footer = { text: footer };
  return embeds;
}

/** The embeds of a board within Discord's limits: older lines give way to "N earlier events". */
export function renderDiscordBoardEmbeds(resources: readonly BoardResource[]): APIEmbed[] {
  return renderFittedBoard(resources, renderDiscordBoard, discordMessageFits);
}

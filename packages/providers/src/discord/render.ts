import type { EventPayload } from '@wrenn/events';
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { describeEvent, type ResourceLink, resourceLinks, SEVERITY_COLORS, truncate } from '../render';
import { type DigestLine, describeDigest, fitDigest, lineDetailText, stateText } from '../render/digest';
import { fitEscaped } from '../render/escape-entities';
import { DIGEST_MAX_STATES, SEVERITY_MARKS } from '../render/rich-text';
import { DISCORD_EMBED_LIMITS, discordMessageFits } from './embed-limits';
import { escapeDiscordMarkdown } from './escape-markdown';

/** The summary is one line; leaving most of the 6,000 characters to the fields keeps them visible. */
const DESCRIPTION_MAX = 2048;
/** Room kept for the footer, which may mention omitted fields. */
const FOOTER_RESERVE = 120;
/** A field shorter than this is not worth showing; the footer counts it as omitted instead. */
const MIN_FIELD_VALUE = 16;
const INLINE_MAX = 40;
const EMPTY_VALUE = '—';

function markdown(text: string, max: number): string {
  return fitEscaped(text.trim(), max, escapeDiscordMarkdown).trim();
}

/**
 * Renders an event as one Discord embed: severity colour, title, the summary
 * as description, one field per fact and the event time. Untrusted text is
 * markdown-escaped, and every embed limit of Discord's, the 6,000-character
 * total included, holds for any input; facts that do not fit are counted in
 * the footer.
 */
export function renderDiscordEmbed(event: EventPayload): APIEmbed {
  const description = describeEvent(event);
  const title = truncate(description.title, DISCORD_EMBED_LIMITS.title);
  const summary = markdown(description.summary, DESCRIPTION_MAX) || EMPTY_VALUE;

  let used = title.length + summary.length + FOOTER_RESERVE;
  const fields: APIEmbedField[] = [];
  let omitted = 0;
  for (const [index, fact] of description.facts.entries()) {
    const name = markdown(fact.label, DISCORD_EMBED_LIMITS.fieldName) || '(unnamed)';
    const room = Math.min(DISCORD_EMBED_LIMITS.fieldValue, DISCORD_EMBED_LIMITS.total - used - name.length);
    const factsLeft = description.facts.length - index;
    // The last slot goes to a fact only when it is the last one; otherwise the footer reports the rest.
    const slotFree = fields.length < DISCORD_EMBED_LIMITS.fields - 1 || factsLeft === 1;
    if (!slotFree || room < MIN_FIELD_VALUE) {
      omitted = factsLeft;
      break;
    }
    const value = markdown(fact.value, room) || EMPTY_VALUE;
    fields.push({ name, value, inline: index < 4 || value.length <= INLINE_MAX });
    used += name.length + value.length;
  }

  const footer = `Wrenn Channels · ${event.event}${omitted > 0 ? ` · ${omitted} more field${omitted === 1 ? '' : 's'} not shown` : ''}`;
  const embed: APIEmbed = {
    title,
    description: summary,
    color: SEVERITY_COLORS[description.severity],
    fields,
    footer: { text: truncate(footer, FOOTER_RESERVE) },
  };
  const [link] = resourceLinks([event]);
  if (link) embed.url = link.url;
  const time = Date.parse(event.timestamp);
  // An unparsable timestamp would make Discord reject the whole message (50035).
  if (!Number.isNaN(time)) embed.timestamp = new Date(time).toISOString();
  return embed;
}

/** `[Open Capsule cl-1](https://…)`: brackets and parentheses in the URL are encoded so the link stays whole. */
function markdownLink(link: ResourceLink): string {
  const url = link.url.replace(
    /[()<>[\]\s]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${escapeDiscordMarkdown(link.label)}](${url})`;
}

function digestLine(line: DigestLine): string {
  const mark = SEVERITY_MARKS[line.severity];
  return `${mark} **${line.title}** · ${escapeDiscordMarkdown(lineDetailText(line))}`;
}

/**
 * Renders several events as one embed: the count and team as title, one
 * description line per event in order, and the latest state of each
 * resource as inline fields. Nothing is cut to fit here: the caller keeps
 * only as many events as {@link discordMessageFits} allows.
 */
export function renderDiscordDigest(events: readonly EventPayload[]): APIEmbed[] {
  const digest = describeDigest(events);
  const links = resourceLinks(events);
  const fields: APIEmbedField[] = digest.states.slice(0, DIGEST_MAX_STATES).map((state) => ({
    name:
      truncate(escapeDiscordMarkdown(`${state.label} ${state.id}`).trim(), DISCORD_EMBED_LIMITS.fieldName) ||
      'Resource',
    value: stateText(state),
    inline: true,
  }));
  const more = digest.states.length - DIGEST_MAX_STATES;
  if (more > 0) fields.push({ name: 'More', value: `${more} more resource${more === 1 ? '' : 's'}`, inline: true });
  const embed: APIEmbed = {
    title: truncate(`${digest.headline} · ${escapeDiscordMarkdown(digest.team)}`, DISCORD_EMBED_LIMITS.title),
    description: [
      ...digest.lines.map(digestLine),
      ...(links.length > 0 ? [links.map(markdownLink).join(' · ')] : []),
    ].join('\n'),
    color: SEVERITY_COLORS[digest.severity],
    fields,
    footer: { text: truncate(`Wrenn Channels · ${digest.period}`, FOOTER_RESERVE) },
  };
  const times = events.map((e) => Date.parse(e.timestamp)).filter((t) => !Number.isNaN(t));
  if (times.length > 0) embed.timestamp = new Date(Math.max(...times)).toISOString();
  return [embed];
}

/** The embeds of one message carrying the leading `events`, and how many it carries. */
export function renderDiscordEmbeds(events: readonly EventPayload[]): { message: APIEmbed[]; carried: number } {
  return fitDigest(events, {
    single: (event) => [renderDiscordEmbed(event)],
    digest: renderDiscordDigest,
    fits: discordMessageFits,
  });
}

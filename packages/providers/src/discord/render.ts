import type { EventPayload } from '@wrenn/events';
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { describeEvent, SEVERITY_COLORS, truncate } from '../render';
import { fitEscaped } from '../render/escape-entities';
import { escapeDiscordMarkdown } from './escape-markdown';

/** Embed limits (PROVIDERS 1.2). Discord counts them after trimming whitespace. */
export const DISCORD_EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
} as const;

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

/** Sum of the characters Discord counts towards the 6,000 limit. */
export function embedTextLength(embed: APIEmbed): number {
  let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  total += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/**
 * Renders an event as one Discord embed: severity colour, title, the summary
 * as description, one field per fact and the event time. Untrusted text is
 * markdown-escaped, and every limit of PROVIDERS 1.2, the 6,000-character
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
  const time = Date.parse(event.timestamp);
  // An unparsable timestamp would make Discord reject the whole message (50035).
  if (!Number.isNaN(time)) embed.timestamp = new Date(time).toISOString();
  return embed;
}

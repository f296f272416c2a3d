import type { APIEmbed } from 'discord-api-types/v10';

/** Discord's embed limits (title 256, description 4,096, 25 fields…). Discord counts them after trimming whitespace. */
export const DISCORD_EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  total: 6000,
} as const;

/** Embeds per message. */
export const DISCORD_MAX_EMBEDS = 10;

/** Sum of the characters Discord counts towards the 6,000 limit. */
export function embedTextLength(embed: APIEmbed): number {
  let total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  total += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const field of embed.fields ?? []) total += field.name.length + field.value.length;
  return total;
}

/** Whether embeds respect every per-field limit, the 10-embed cap and the 6,000-character total. */
export function discordMessageFits(embeds: readonly APIEmbed[]): boolean {
  if (embeds.length > DISCORD_MAX_EMBEDS) return false;
  let total = 0;
  for (const embed of embeds) {
    const fields = embed.fields ?? [];
    if ((embed.title?.length ?? 0) > DISCORD_EMBED_LIMITS.title) return false;
    if ((embed.description?.length ?? 0) > DISCORD_EMBED_LIMITS.description) return false;
    if ((embed.footer?.text.length ?? 0) > DISCORD_EMBED_LIMITS.footer) return false;
    if (fields.length > DISCORD_EMBED_LIMITS.fields) return false;
    for (const field of fields) {
      if (field.name.length > DISCORD_EMBED_LIMITS.fieldName || field.value.length > DISCORD_EMBED_LIMITS.fieldValue) {
        return false;
      }
    }
    total += embedTextLength(embed);
  }
  return total <= DISCORD_EMBED_LIMITS.total;
}

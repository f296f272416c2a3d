/**
 * Makes untrusted text display literally in a Discord embed: inline markers
 * (`* _ ~ \` | [ ] < >` and the backslash itself) get a backslash, and so do
 * the line-start forms (headings, quotes, lists). Escaping `[` stops masked
 * links; escaping `<` stops mention and timestamp syntax from rendering.
 */
export function escapeDiscordMarkdown(text: string): string {
  return text
    .replace(/[\\*_~`|[\]<>]/g, '\\$&')
    .replace(/^(\s*)([#-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.');
}

/**
 * Telegram's `parse_mode: "HTML"` as the Bot API applies it: the supported
 * tags become entities, the four named entities and numeric entities are
 * decoded, and anything else is the same 400 "can't parse entities" the
 * real API answers. Offsets and lengths are in UTF-16 code units, as in the API.
 */

export interface TelegramEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type ParsedHtml = { ok: true; text: string; entities: TelegramEntity[] } | { ok: false; error: string };

const TAG_TYPES: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
  span: 'spoiler',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface OpenTag {
  name: string;
  offset: number;
  attributes: Record<string, string>;
}

function byteOffset(html: string, index: number): number {
  return Buffer.byteLength(html.slice(0, index), 'utf8');
}

function parseAttributes(text: string): Record<string, string> | null {
  const attributes: Record<string, string> = {};
  const pattern = /\s*([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;
  let rest = text;
  while (rest.trim() !== '') {
    pattern.lastIndex = 0;
    const match = pattern.exec(rest);
    if (!match || match[0] === '') return null;
    const name = (match[1] ?? '').toLowerCase();
    attributes[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
    rest = rest.slice(match[0].length);
  }
  return attributes;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, body: string) => decodeEntity(body) ?? whole);
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith('#x') || body.startsWith('#X')) return codePoint(Number.parseInt(body.slice(2), 16));
  if (body.startsWith('#')) return codePoint(Number.parseInt(body.slice(1), 10));
  return NAMED_ENTITIES[body];
}

function codePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/** Parses Bot API HTML into visible text and entities, or the API's error description. */
export function parseTelegramHtml(html: string): ParsedHtml {
  let text = '';
  const entities: TelegramEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === '&') {
      const match = /^&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]{2,8});/.exec(html.slice(i, i + 12));
      const decoded = match ? decodeEntity(match[1] as string) : undefined;
      // An unknown entity stays as literal text, as the Bot API does.
      if (match && decoded !== undefined) {
        text += decoded;
        i += match[0].length;
      } else {
        text += '&';
        i += 1;
      }
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i += 1;
      continue;
    }
    const end = html.indexOf('>', i);
    if (end === -1)
      return { ok: false, error: `can't parse entities: Unclosed start tag at byte offset ${byteOffset(html, i)}` };
    const inner = html.slice(i + 1, end);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open) {
        return { ok: false, error: `can't parse entities: Unexpected end tag at byte offset ${byteOffset(html, i)}` };
      }
      if (name !== open.name) {
        return {
          ok: false,
          error: `can't parse entities: Unmatched end tag at byte offset ${byteOffset(html, i)}, expected "</${open.name}>", found "</${name}>"`,
        };
      }
      const entity = entityFor(open, text.length - open.offset);
      if (entity && entity.length > 0) entities.push(entity);
      i = end + 1;
      continue;
    }
    const nameMatch = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(inner);
    const name = (nameMatch?.[1] ?? '').toLowerCase();
    if (!(name in TAG_TYPES)) {
      return {
        ok: false,
        error: `can't parse entities: Unsupported start tag "${name}" at byte offset ${byteOffset(html, i)}`,
      };
    }
    const attributes = parseAttributes(inner.slice(name.length).replace(/\/$/, ''));
    if (!attributes) {
      return {
        ok: false,
        error: `can't parse entities: Expected equal sign in declaration of an attribute of the tag "${name}" at byte offset ${byteOffset(html, i)}`,
      };
    }
    if (name === 'span' && attributes.class !== 'tg-spoiler') {
      return {
        ok: false,
        error: `can't parse entities: Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(html, i)}`,
      };
    }
    stack.push({ name, offset: text.length, attributes });
    i = end + 1;
  }
  const unclosed = stack.pop();
  if (unclosed)
    return {
      ok: false,
      error: `can't parse entities: Can't find end tag corresponding to start tag "${unclosed.name}"`,
    };
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, text, entities };
}

function entityFor(tag: OpenTag, length: number): TelegramEntity | null {
  const type = TAG_TYPES[tag.name] as string;
  const entity: TelegramEntity = { type, offset: tag.offset, length };
  if (tag.name === 'a') {
    const href = tag.attributes.href ?? '';
    if (!/^(https?|tg):/i.test(href)) return null;
    entity.url = href;
  }
  if (tag.name === 'blockquote' && 'expandable' in tag.attributes) entity.type = 'expandable_blockquote';
  if (tag.name === 'tg-emoji') entity.custom_emoji_id = tag.attributes['emoji-id'] ?? '';
  if (tag.name === 'code' && tag.attributes.class?.startsWith('language-'))
    entity.language = tag.attributes.class.slice(9);
  return entity;
}

/** `@username` mentions Telegram would detect in plain text (5–32 characters after the @). */
export function detectMentions(text: string): TelegramEntity[] {
  const found: TelegramEntity[] = [];
  for (const match of text.matchAll(/(^|[^A-Za-z0-9_@])@([A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_])/g)) {
    const offset = (match.index ?? 0) + (match[1] ?? '').length;
    found.push({ type: 'mention', offset, length: (match[2] ?? '').length + 1 });
  }
  return found;
}

import type { EventPayload } from './event-payload';
import { EVENT_DEFINITIONS } from './event-types';

/** Resource types an event can name, each at most once in `WRENN_LINK_TEMPLATES`. */
const RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.values(EVENT_DEFINITIONS).map((d) => d.resourceType));
const PLACEHOLDERS = new Set(['id', 'team_id']);

/** Dashboard URL templates by resource type: `https://app.wrenn.dev/capsules/{id}`. */
export type LinkTemplates = ReadonlyMap<string, string>;

/**
 * Parses `sandbox=https://…/{id},host=https://…/{id}`. Throws with a short
 * reason on a pair without `=`, an unknown or repeated resource type, a URL
 * that is not http(s) or a placeholder other than `{id}` and `{team_id}`.
 */
export function parseLinkTemplates(text: string): LinkTemplates {
  const templates = new Map<string, string>();
  for (const pair of text.split(',')) {
    const trimmed = pair.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    if (equals < 0) throw new Error(`"${trimmed}" is not resource_type=URL`);
    const type = trimmed.slice(0, equals).trim();
    const template = trimmed.slice(equals + 1).trim();
    if (!RESOURCE_TYPES.has(type)) {
      throw new Error(`unknown resource type "${type}" (one of ${[...RESOURCE_TYPES].join(', ')})`);
    }
    if (templates.has(type)) throw new Error(`resource type "${type}" is listed twice`);
    for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
      if (!PLACEHOLDERS.has(match[1] ?? ''))
        throw new Error(`unknown placeholder {${match[1]}} (use {id} or {team_id})`);
    }
    const sample = expand(template, 'x', 'x');
    if (!/^https?:\/\/[^\s/?#]+/i.test(sample) || !URL.canParse(sample) || /[{}\s]/.test(sample)) {
      throw new Error(`the URL for "${type}" must be an http(s) URL`);
    }
    templates.set(type, template);
  }
  if (templates.size === 0) throw new Error('must list resource_type=URL pairs');
  return templates;
}

function expand(template: string, id: string, teamId: string): string {
  return template.replace(/\{(id|team_id)\}/g, (_, name: string) => encodeURIComponent(name === 'id' ? id : teamId));
}

/**
 * The event with `resource.url` set from its resource type's template, the
 * id and team id URL-encoded into it; the event itself when no template
 * applies (unset, another resource type). Never mutates the event.
 */
export function linkResource(event: EventPayload, templates: LinkTemplates | undefined): EventPayload {
  const template = templates?.get(event.resource.type);
  if (!template) return event;
  return { ...event, resource: { ...event.resource, url: expand(template, event.resource.id, event.team_id) } };
}

/** Whether a URL is http(s) and may be shown as a link; anything else is never rendered. */
export function isHttpUrl(url: string | undefined): url is string {
  return typeof url === 'string' && /^https?:\/\/[^\s]+$/i.test(url) && URL.canParse(url);
}

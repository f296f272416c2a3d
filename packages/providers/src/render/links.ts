import { type EventPayload, isHttpUrl } from '@wrenn/events';
import { RESOURCE_LABELS } from './describe-event';
import { truncate } from './truncate';

/** One dashboard link of a message: a button's or link's text, and where it goes. */
export interface ResourceLink {
  /** "Open Capsule cl-abc", plain text (renderers escape it for their format). */
  label: string;
  /** An http(s) URL, never anything else. */
  url: string;
}

/** Links one message shows at most: a wall of buttons helps nobody. */
export const MAX_LINKS = 10;
/** Slack's button text limit, and short enough for every other provider's buttons. */
const LABEL_MAX = 75;
/** Longer URLs are left out: Discord refuses an embed `url` over 2,048 characters. */
const URL_MAX = 2000;

/**
 * The dashboard links of the resources `events` name (`resource.url`, set at
 * send time from `WRENN_LINK_TEMPLATES`), once each and in order of first
 * appearance, at most {@link MAX_LINKS}. Only http(s) URLs come out; without
 * templates there are none.
 */
export function resourceLinks(events: readonly EventPayload[]): ResourceLink[] {
  const links: ResourceLink[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const url = event.resource.url;
    if (!isHttpUrl(url) || url.length > URL_MAX || seen.has(url)) continue;
    seen.add(url);
    const label = RESOURCE_LABELS[event.resource.type] ?? event.resource.type;
    const id = event.resource.id.replace(/[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu, ' ');
    links.push({ label: truncate(`Open ${label} ${id}`, LABEL_MAX), url });
    if (links.length === MAX_LINKS) break;
  }
  return links;
}

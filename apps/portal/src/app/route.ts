import { useSyncExternalStore } from 'react';
import type { LogFilters, View } from './view';

// Hash addresses (`#/channels/ch-…`): the API serves the portal as static files
// under /portal/, and a fragment never reaches a server or its logs. No router
// library: five screens and a filter query are parsed here in a few lines.

const CHANNEL_ID = /^ch-[0-9a-z]{25}$/;
const DELIVERY_ID = /^dlv-[0-9a-z]{25}$/;
const FILTER_KEYS = ['status', 'event', 'since', 'until'] as const;
const STATUSES: ReadonlySet<string> = new Set(['pending', 'succeeded', 'failed']);

/** The address of a screen, as a fragment (`#/…`). */
export function hrefOf(view: View): string {
  switch (view.screen) {
    case 'channels':
      return '#/channels';
    case 'new-channel':
      return '#/channels/new';
    case 'audit':
      return '#/audit';
    case 'delivery':
      return `#/channels/${view.channelId}/deliveries/${view.id}`;
    case 'channel': {
      const query = new URLSearchParams();
      for (const key of FILTER_KEYS) {
        const value = view.filters?.[key];
        if (value) query.set(key, value);
      }
      const text = query.toString();
      return `#/channels/${view.id}${text ? `?${text}` : ''}`;
    }
  }
}

function filtersOf(query: URLSearchParams): LogFilters {
  const filters: LogFilters = {};
  const status = query.get('status');
  if (status && STATUSES.has(status)) filters.status = status as LogFilters['status'] & string;
  for (const key of ['event', 'since', 'until'] as const) {
    const value = query.get(key);
    if (value) filters[key] = value;
  }
  return filters;
}

/** The screen at an address; `null` for one that names no screen. An empty address is the channel list. */
export function parseRoute(hash: string): View | null {
  const [path = '', queryText = ''] = hash.replace(/^#/, '').split('?', 2);
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { screen: 'channels' };
  if (parts[0] === 'audit' && parts.length === 1) return { screen: 'audit' };
  if (parts[0] !== 'channels') return null;
  if (parts.length === 1) return { screen: 'channels' };
  const id = parts[1] as string;
  if (parts.length === 2 && id === 'new') return { screen: 'new-channel' };
  if (!CHANNEL_ID.test(id)) return null;
  if (parts.length === 2) {
    const filters = filtersOf(new URLSearchParams(queryText));
    return Object.keys(filters).length > 0 ? { screen: 'channel', id, filters } : { screen: 'channel', id };
  }
  const dlv = parts[3] ?? '';
  if (parts.length === 4 && parts[2] === 'deliveries' && DELIVERY_ID.test(dlv)) {
    return { screen: 'delivery', channelId: id, id: dlv };
  }
  return null;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current address's fragment; the page renders again whenever it changes (links, Back, Forward). */
export function useLocationHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}

/**
 * Goes to a screen: a new history entry (so Back returns), or, with
 * `replace`, the same entry changed (a filter is part of the screen it narrows).
 */
export function goTo(view: View, options: { replace?: boolean } = {}): void {
  const href = hrefOf(view);
  if (options.replace) {
    window.history.replaceState(null, '', href);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else if (window.location.hash !== href) {
    window.location.hash = href;
  }
}

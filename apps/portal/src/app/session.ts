/** The portal session: a JWT from the link's fragment, kept for this tab only. */
export interface Session {
  token: string;
  /** Milliseconds since the epoch, from the token's `exp`; null when it has none. */
  expiresAt: number | null;
}

/** Where the token waits for a reload: this tab's `sessionStorage`, never `localStorage` or the address. */
export const SESSION_KEY = 'wrenn-portal-session';

function decodeExp(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(atob(payload.replaceAll('-', '+').replaceAll('_', '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * The session of this tab. A link's `#token=…` is taken out of the address
 * (a fragment never reaches a server log, and once read it leaves the address
 * bar and the history entry too, so a copied address does not carry it) and
 * kept in `sessionStorage`: a reload within the hour stays signed in, a new
 * tab or a closed browser does not, and nothing else is kept. An expired
 * token stays until a new link replaces it, so a reload after the hour still
 * says the session expired.
 */
export function takeSession(location: Location, history: History, storage: Storage | null): Session | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const linked = fragment.get('token');
  if (linked) {
    history.replaceState(null, '', `${location.pathname}${location.search}#/channels`);
    try {
      storage?.setItem(SESSION_KEY, linked);
    } catch {
      // Storage refused (a private mode quota): the session lasts until a reload.
    }
  }
  let token = linked;
  if (!token) {
    try {
      token = storage?.getItem(SESSION_KEY) ?? null;
    } catch {
      token = null;
    }
  }
  return token ? { token, expiresAt: decodeExp(token) } : null;
}

/** `window.sessionStorage`, or null where the browser refuses it (storage disabled). */
export function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

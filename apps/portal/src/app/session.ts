/** The portal session: a JWT read from the URL fragment, kept in memory only. */
export interface Session {
  token: string;
  /** Milliseconds since the epoch, from the token's `exp`; null when it has none. */
  expiresAt: number | null;
}

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
 * Takes `#token=…` out of the address: the token never reaches a server log
 * (fragments are not sent), and once read it leaves the address bar and the
 * history entry too, so a copied link or a reload does not carry it.
 */
export function takeSessionFromLocation(location: Location, history: History): Session | null {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = fragment.get('token');
  if (location.hash) history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  if (!token) return null;
  return { token, expiresAt: decodeExp(token) };
}

/**
 * Where a request for a user-supplied provider URL goes. Normally the URL
 * itself; when the operator configured an API base (a proxy, or a loopback
 * fake in tests), the same path and query on that base instead.
 */
export function rebaseUrl(userUrl: string, apiBase: string | undefined): string {
  if (!apiBase) return userUrl;
  const user = new URL(userUrl);
  const base = new URL(apiBase);
  const prefix = base.pathname.replace(/\/+$/, '');
  return `${base.origin}${prefix}${user.pathname}${user.search}`;
}

export type CredentialUrlCheck = { ok: true; url: URL; host: string } | { ok: false; message: string };

/**
 * The first checks of a chat webhook URL, whose path or query is its
 * credential: it parses, it uses https (plain http would send the credential
 * in clear text) and it carries no user name or password. `expected` ends the
 * messages with what to paste instead; `notUrl` replaces it for an unreadable value.
 */
export function parseCredentialUrl(raw: string, expected: string, notUrl = expected): CredentialUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: `webhook_url is not a URL${notUrl}` };
  }
  // URL parsing would quietly encode a space pasted inside the URL into its credential.
  if (/\s/.test(raw.trim())) return { ok: false, message: 'webhook_url must not contain spaces or line breaks' };
  if (url.protocol === 'http:') {
    return {
      ok: false,
      message: `webhook_url must use https: the URL itself is the credential, so https is required${expected}`,
    };
  }
  if (url.protocol !== 'https:') return { ok: false, message: `webhook_url must start with https://${expected}` };
  if (url.username || url.password) {
    return { ok: false, message: 'webhook_url must not contain a user name or password' };
  }
  return { ok: true, url, host: url.hostname.toLowerCase() };
}

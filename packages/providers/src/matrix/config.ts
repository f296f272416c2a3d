import type { ChannelConfig, ConfigCheck, ProviderSettings } from '../provider';

/** `!opaque:server`; `#alias:server` is resolved through the room directory at send time. */
const ROOM_ID = /^![^\s:]+:\S+$/;
const ROOM_ALIAS = /^#[^\s:]+:\S+$/;
/** Printable ASCII without spaces: any real access token, nothing that could split a header. */
const ACCESS_TOKEN = /^[\x21-\x7e]+$/;

/**
 * Checks a Matrix config's shapes and normalises the homeserver URL (no
 * trailing slash). The access token travels to the homeserver, so it must be
 * https; plain http is only for development and on-premises set-ups, where
 * the operator allows private targets.
 */
export function validateMatrixConfig(
  config: ChannelConfig,
  settings: Pick<ProviderSettings, 'allowPrivateTargets'>,
): ConfigCheck {
  let url: URL;
  try {
    url = new URL(config.homeserver_url ?? '');
  } catch {
    return { ok: false, message: 'config.homeserver_url must be an absolute http or https URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: 'config.homeserver_url must use https' };
  }
  if (url.protocol === 'http:' && !settings.allowPrivateTargets) {
    return {
      ok: false,
      message: 'config.homeserver_url must use https: the access token is sent to it, so https is required',
    };
  }
  if (url.username || url.password) return { ok: false, message: 'config.homeserver_url must not contain credentials' };
  if (url.search || url.hash) return { ok: false, message: 'config.homeserver_url must not have a query or fragment' };
  const accessToken = config.access_token ?? '';
  // Never echo the token: the message is shown to users and may be logged.
  if (!ACCESS_TOKEN.test(accessToken))
    return { ok: false, message: 'config.access_token must be a Matrix access token' };
  const roomId = config.room_id ?? '';
  if (!ROOM_ID.test(roomId) && !ROOM_ALIAS.test(roomId)) {
    return { ok: false, message: 'config.room_id must be a room id (!id:server) or a room alias (#alias:server)' };
  }
  const homeserver = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  return { ok: true, config: { homeserver_url: homeserver, access_token: accessToken, room_id: roomId } };
}

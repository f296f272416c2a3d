/** A bot token as Slack issues them: `xoxb-<team>-<bot>-<secret>`; lengths are Slack's business. */
const BOT_TOKEN = /^xoxb-[A-Za-z0-9-]+$/;
/** A public channel (`C…`), a private channel (`G…`) or a direct message (`D…`): 9–12 characters. */
const CHANNEL_ID = /^[CGD][A-Z0-9]{8,11}$/;

const TOKEN_WHERE = 'api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token';
const CHANNEL_WHERE = 'in Slack, the channel name → About → Channel ID at the bottom';

/** The Slack app form of a channel: its bot token and the conversation it posts to. */
export interface SlackApp {
  botToken: string;
  channelId: string;
}

export type SlackAppCheck = ({ ok: true } & SlackApp) | { ok: false; message: string };

/**
 * Checks the shapes of a bot token and a channel id. Messages never repeat
 * the token (it is a credential); a channel id is not, so a wrong one may be
 * described but is still not echoed back whole.
 */
export function parseSlackApp(config: Record<string, string>): SlackAppCheck {
  const botToken = config.bot_token ?? '';
  const channelId = config.channel_id ?? '';
  if (!BOT_TOKEN.test(botToken)) {
    const kind = /^xox[a-z]-/.exec(botToken)?.[0];
    const message =
      kind && kind !== 'xoxb-'
        ? `bot_token must be a bot token (xoxb-…), not a ${kind}… token; copy it from ${TOKEN_WHERE}`
        : `bot_token must be a Slack bot token (xoxb-…); copy it from ${TOKEN_WHERE}`;
    return { ok: false, message };
  }
  if (!CHANNEL_ID.test(channelId)) {
    const looksLikeName = /^#|^[a-z0-9][a-z0-9._-]*$/.test(channelId);
    const message = looksLikeName
      ? `channel_id must be the channel's ID (C…, G… or D…, 9–12 characters), not its name; find it ${CHANNEL_WHERE}`
      : `channel_id must be a Slack channel ID: C…, G… or D… followed by letters and digits, 9–12 characters in all (find it ${CHANNEL_WHERE})`;
    return { ok: false, message };
  }
  return { ok: true, botToken, channelId };
}

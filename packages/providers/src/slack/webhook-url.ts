import { parseCredentialUrl } from '../credential-url';

const SLACK_HOST = 'hooks.slack.com';
const WEBHOOK_PATH = /^\/services\/([^/]+)\/([^/]+)\/([^/]+)\/?$/;
/** `T…/B…/<secret>`, as Slack issues them; lengths are Slack's business, the config value limit bounds them. */
const TEAM_ID = /^T[A-Z0-9]+$/;
const HOOK_ID = /^B[A-Z0-9]+$/;
const SECRET = /^[A-Za-z0-9]+$/;

const EXAMPLE = 'https://hooks.slack.com/services/T…/B…/… (Slack app settings → Incoming Webhooks → Copy)';

export type SlackWebhookCheck = { ok: true; url: string; secret: string } | { ok: false; message: string };

/**
 * Parses a Slack incoming-webhook URL into its normalised form and the path
 * secret that must never be shown. Messages never repeat the secret.
 */
export function parseSlackWebhookUrl(raw: string): SlackWebhookCheck {
  const checked = parseCredentialUrl(raw, `; expected ${EXAMPLE}`);
  if (!checked.ok) return checked;
  const { url, host } = checked;
  if (host !== SLACK_HOST) return { ok: false, message: `webhook_url must be on hooks.slack.com, not ${host}` };
  if (url.pathname.startsWith('/triggers/') || url.pathname.startsWith('/workflows/')) {
    return {
      ok: false,
      message: `webhook_url is a Workflow Builder trigger, which only takes flat text variables; create an incoming webhook instead: ${EXAMPLE}`,
    };
  }
  const match = WEBHOOK_PATH.exec(url.pathname);
  if (!match) return { ok: false, message: `webhook_url is not an incoming-webhook URL; expected ${EXAMPLE}` };
  const [, team = '', hook = '', secret = ''] = match;
  if (!TEAM_ID.test(team) || !HOOK_ID.test(hook) || !SECRET.test(secret)) {
    return { ok: false, message: `webhook_url looks cut or mistyped; copy it again (${EXAMPLE})` };
  }
  return { ok: true, url: `${url.protocol}//${SLACK_HOST}/services/${team}/${hook}/${secret}`, secret };
}

import { parseCredentialUrl } from '../credential-url';

/** Hosts Power Automate / Logic Apps serve Workflows webhook triggers on. */
const WORKFLOW_HOST_SUFFIXES = ['.logic.azure.com', '.powerplatform.com', '.powerautomate.com'];
const WORKFLOW_HOSTS = new Set(['flow.microsoft.com']);

const HOW_TO =
  'In Teams, open the channel → ⋯ → Workflows → "Post to a channel when a webhook request is received", then paste the URL it shows';

export const RETIRED_CONNECTOR_MESSAGE =
  'webhook_url is an Office 365 connector (Incoming Webhook) URL. Microsoft retired Office 365 connectors and these URLs no longer deliver messages. ' +
  `Create a Workflows webhook instead: ${HOW_TO}.`;

export type TeamsWebhookCheck = { ok: true; url: string; sig: string } | { ok: false; message: string };

function isRetiredConnector(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  if (host === 'webhook.office.com' || host.endsWith('.webhook.office.com')) return true;
  const outlook = host === 'outlook.office.com' || host === 'outlook.office365.com';
  return outlook && url.pathname.toLowerCase().startsWith('/webhook');
}

function isWorkflowHost(host: string): boolean {
  return WORKFLOW_HOSTS.has(host) || WORKFLOW_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/**
 * Checks a Teams Workflows webhook URL. The `sig` query parameter is its
 * credential: it is returned for redaction and never repeated in a message.
 */
export function parseTeamsWebhookUrl(raw: string): TeamsWebhookCheck {
  const checked = parseCredentialUrl(raw, `. ${HOW_TO}.`);
  if (!checked.ok) return checked;
  const { url, host } = checked;
  if (isRetiredConnector(url)) return { ok: false, message: RETIRED_CONNECTOR_MESSAGE };
  if (!isWorkflowHost(host)) {
    return {
      ok: false,
      message: `webhook_url must be a Teams Workflows URL on *.logic.azure.com, *.powerplatform.com or *.powerautomate.com, not ${host}. ${HOW_TO}.`,
    };
  }
  if (!/\/workflows\/[^/]+/i.test(url.pathname)) {
    return { ok: false, message: `webhook_url is not a workflow trigger URL. ${HOW_TO}.` };
  }
  const sig = url.searchParams.get('sig') ?? '';
  if (sig === '') {
    return {
      ok: false,
      message: `webhook_url has no sig parameter; copy the whole URL, and set the trigger's "Who can trigger the flow?" to "Anyone". ${HOW_TO}.`,
    };
  }
  return { ok: true, url: url.toString(), sig };
}

import type { ServerResponse } from 'node:http';
import { answerFromScript, parseJson, pathOf, queryOf } from './fake-helpers';
import { type FakeServer, type ReceivedRequest, sendJson, startFakeServer } from './fake-server';
import type { RateLimitsOption, RateRule } from './rate-limiter';
import { admit, limitersFor, tokenBucket } from './rate-limiter';
import { createResponseScript, type ResponseScript, scriptControls } from './scripted-responses';

/**
 * Power Automate publishes no per-flow rate and throttles with 429 + `Retry-After`;
 * the default is one request per second per workflow (with a little slack for jitter).
 */
export const TEAMS_RATE_LIMITS: { perFlow: RateRule } = { perFlow: tokenBucket(1, 2) };

export interface FakeTeamsOptions {
  /** The `sig` the workflow expects; any non-empty one is accepted when omitted. */
  sig?: string;
  /** Enforce {@link TEAMS_RATE_LIMITS} per workflow (or the rules given): 429 with `Retry-After`. Off by default. */
  rateLimits?: RateLimitsOption<typeof TEAMS_RATE_LIMITS>;
}

/** The outcome of the flow run a 202 started: Teams only reports card errors here, never to the caller. */
export interface FakeFlowRun {
  status: 'Succeeded' | 'Failed';
  error?: string;
  /** Cards the run posted to the channel. */
  cards: Array<Record<string, unknown>>;
}

export interface FakeTeamsMessage {
  path: string;
  body: Record<string, unknown>;
}

export interface FakeTeams extends FakeServer, Omit<ResponseScript, 'take'> {
  messages: FakeTeamsMessage[];
  flowRuns: FakeFlowRun[];
  /** An official-looking Workflows URL for a config (the fake is reached through `teamsApiBase`). */
  workflowUrl(sig?: string): string;
  /** The next `times` requests get 429 with `Retry-After` (seconds). */
  rateLimitNext(retryAfterSeconds?: number, times?: number): void;
}

/** About 28 KB, the size at which Teams answers "Request Entity too large". */
export const TEAMS_FAKE_MAX_BYTES = 28 * 1024;
const WORKFLOW_PATH = /\/workflows\/[^/]+\/triggers\/[^/]+\/paths\/invoke\/?$/;
const THROTTLED = {
  error: { code: 'WorkflowRequestsThrottled', message: 'The workflow is being throttled. Retry the request later.' },
};
const ADAPTIVE = 'application/vnd.microsoft.card.adaptive';

/** What the "Post to a channel when a webhook request is received" template does with a body. */
function runFlow(body: Record<string, unknown>): FakeFlowRun {
  const attachments = body.attachments;
  if (!Array.isArray(attachments)) {
    return {
      status: 'Failed',
      error:
        "The execution of template action 'Send_each_adaptive_card' failed: the result of the evaluation of 'foreach' expression '@triggerOutputs()?['body']?['attachments']' is of type 'Null'. The result must be a valid array.",
      cards: [],
    };
  }
  const cards: Array<Record<string, unknown>> = [];
  for (const attachment of attachments as Array<Record<string, unknown>>) {
    const content = attachment?.content as Record<string, unknown> | undefined;
    if (attachment?.contentType !== ADAPTIVE || !content) {
      return { status: 'Failed', error: 'The attachment is not an Adaptive Card.', cards };
    }
    if (content.type !== 'AdaptiveCard') {
      return { status: 'Failed', error: "Property 'type' must be 'AdaptiveCard'", cards };
    }
    cards.push(content);
  }
  return { status: 'Succeeded', cards };
}

/**
 * A loopback Teams Workflows trigger: `POST …/workflows/:id/triggers/manual/paths/invoke?…&sig=`
 * answers 202 and records the flow run (which fails, as the real template does,
 * without an `attachments` array); 401 DirectApiAuthorizationRequired for a
 * missing or wrong `sig`, 400 for a non-JSON body, 413 above 28 KB, 429 on demand.
 */
export async function startFakeTeams(options: FakeTeamsOptions = {}): Promise<FakeTeams> {
  const script = createResponseScript();
  const messages: FakeTeamsMessage[] = [];
  const flowRuns: FakeFlowRun[] = [];
  const limits = limitersFor(options.rateLimits, TEAMS_RATE_LIMITS);

  function handle(req: ReceivedRequest, res: ServerResponse) {
    if (answerFromScript(script, res)) return;
    const path = pathOf(req.url);
    if (req.method !== 'POST' || !WORKFLOW_PATH.test(path)) {
      return sendJson(res, 404, { error: { code: 'WorkflowNotFound', message: 'The workflow could not be found.' } });
    }
    const sig = queryOf(req.url).get('sig') ?? '';
    if (sig === '' || (options.sig !== undefined && sig !== options.sig)) {
      return sendJson(res, 401, {
        error: {
          code: 'DirectApiAuthorizationRequired',
          message: 'The request must be authenticated only by Shared Access scheme.',
        },
      });
    }
    const admission = admit([[limits?.perFlow, path]]);
    if (!admission.ok) {
      return sendJson(res, 429, THROTTLED, { 'retry-after': String(admission.retryAfterSeconds) });
    }
    if (Buffer.byteLength(req.body, 'utf8') > TEAMS_FAKE_MAX_BYTES) {
      res.writeHead(413, { 'content-type': 'text/plain' });
      res.end('Request Entity too large');
      return;
    }
    const body = parseJson(req.body);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendJson(res, 400, {
        error: {
          code: 'InvalidRequestContent',
          message: 'The request content is not valid and could not be deserialized.',
        },
      });
    }
    const message = body as Record<string, unknown>;
    messages.push({ path, body: message });
    flowRuns.push(runFlow(message));
    res.writeHead(202, { 'content-length': '0' });
    res.end();
  }

  const server = await startFakeServer(handle);
  return {
    ...server,
    ...scriptControls(script),
    messages,
    flowRuns,
    workflowUrl: (sig = options.sig ?? 'fake-signature-0123456789') =>
      `https://prod-00.westeurope.logic.azure.com:443/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${encodeURIComponent(sig)}`,
    rateLimitNext(retryAfterSeconds = 20, times = 1) {
      script.failNext(
        {
          status: 429,
          body: THROTTLED,
          headers: { 'retry-after': String(retryAfterSeconds) },
        },
        times,
      );
    },
  };
}

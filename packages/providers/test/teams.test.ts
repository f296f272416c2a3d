import { EVENT_TYPES } from '@wrenn/events';
import * as AC from 'adaptivecards';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer } from '../../testing/src/fakes/fake-server';
import { type FakeTeams, startFakeTeams, TEAMS_FAKE_MAX_BYTES } from '../../testing/src/fakes/teams';
import type { SendOutcome } from '../src/provider';
import { RETIRED_CONNECTOR_MESSAGE, renderTeamsMessage, type TeamsMessage, teamsProvider } from '../src/teams';
import { EXPECTED_TEXT, hostileEvent, oversizedEvent, sampleEvent } from './support/chat-fixtures';
import { loopbackContext, testSettings } from './support/loopback-context';

const SETTINGS = testSettings();

const SIG = 'Qm7xR2pLk9Tz4WvB8nC1dE6fG3hJ5sA0uY';
const LOGIC = `https://prod-12.westeurope.logic.azure.com:443/workflows/8c7f2d9e4b1a4c6f9e2d7b3a5c8f1e0d/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;
const POWER_PLATFORM = `https://default0a1b2c3d4e5f.12.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/5d1e2f3a4b5c/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;

function reasonOf(outcome: SendOutcome): string {
  return outcome.kind === 'ok' ? '' : outcome.reason;
}

/** Every parse and validation event the Adaptive Cards SDK reports for a card, as Teams would render it. */
function cardProblems(message: TeamsMessage): string[] {
  const content = message.attachments[0]?.content;
  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(new AC.Version(1, 4));
  card.parse(content, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i += 1) problems.push(context.getEventAt(i).message);
  for (const event of card.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

type Card = {
  body: Array<{
    type: string;
    style?: string;
    items?: Array<{ text: string }>;
    facts?: Array<{ title: string; value: string }>;
    text?: string;
  }>;
};
const cardOf = (message: TeamsMessage) => message.attachments[0]?.content as unknown as Card;
const factsOf = (message: TeamsMessage) => cardOf(message).body[1]?.facts ?? [];

describe('teams config', () => {
  it.each([
    LOGIC,
    POWER_PLATFORM,
    `https://eu.api.powerautomate.com/workflows/abc/triggers/manual/paths/invoke?sig=${SIG}`,
    `https://flow.microsoft.com/workflows/abc/triggers/manual/paths/invoke?sig=${SIG}`,
  ])('accepts %s', (url) => {
    expect(teamsProvider.validateConfig({ webhook_url: url }, SETTINGS)).toMatchObject({ ok: true });
  });

  it('keeps the URL whole (the sig is part of it), without the default port', () => {
    expect(teamsProvider.validateConfig({ webhook_url: LOGIC }, SETTINGS)).toEqual({
      ok: true,
      config: { webhook_url: LOGIC.replace(':443', '') },
    });
  });

  it.each([
    `https://contoso.webhook.office.com/webhookb2/0a1b@0a1b/IncomingWebhook/abc/def/${SIG}`,
    `https://outlook.office.com/webhook/0a1b@0a1b/IncomingWebhook/abc/${SIG}`,
  ])('rejects the retired connector URL %s and says what to do', (url) => {
    const check = teamsProvider.validateConfig({ webhook_url: url }, SETTINGS);
    expect(check).toEqual({ ok: false, message: RETIRED_CONNECTOR_MESSAGE });
    expect(RETIRED_CONNECTOR_MESSAGE).toMatch(/retired/);
    expect(RETIRED_CONNECTOR_MESSAGE).toMatch(/Workflows/);
    expect(RETIRED_CONNECTOR_MESSAGE).not.toContain(SIG);
  });

  it.each([
    ['not a url', 'is not a URL'],
    [LOGIC.replace('https:', 'ftp:'), 'must start with https://'],
    [LOGIC.replace('https:', 'http:'), 'https is required'],
    [LOGIC.replace('westeurope.logic.azure.com', 'logic.azure.com.evil.example'), 'must be a Teams Workflows URL'],
    [`https://example.com/workflows/x/triggers/manual/paths/invoke?sig=${SIG}`, 'must be a Teams Workflows URL'],
    [LOGIC.replace(`&sig=${SIG}`, ''), 'no sig parameter'],
    [`https://prod-12.westeurope.logic.azure.com/subscriptions/x?sig=${SIG}`, 'not a workflow trigger URL'],
    [`${LOGIC}/ extra words`, 'must not contain spaces'],
  ])('rejects %s', (url, message) => {
    const check = teamsProvider.validateConfig({ webhook_url: url }, SETTINGS);
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining(message) });
    if (!check.ok) expect(check.message).not.toContain(SIG);
  });

  it("is a user-supplied target unless the operator's Teams API base replaces its origin", () => {
    expect(teamsProvider.userTargets({ webhook_url: LOGIC }, SETTINGS)).toEqual([LOGIC]);
    expect(
      teamsProvider.userTargets({ webhook_url: LOGIC }, { ...SETTINGS, teamsApiBase: 'https://proxy.example' }),
    ).toEqual([]);
  });
});

describe('teams render', () => {
  it('renders capsule.created', () => {
    expect(renderTeamsMessage(sampleEvent('capsule.created'))).toMatchInlineSnapshot(`
      {
        "attachments": [
          {
            "content": {
              "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
              "body": [
                {
                  "bleed": true,
                  "items": [
                    {
                      "size": "Medium",
                      "text": "Capsule created",
                      "type": "TextBlock",
                      "weight": "Bolder",
                      "wrap": true,
                    },
                    {
                      "spacing": "Small",
                      "text": "Capsule cl-7f3a9c was created by Ada (usr-9).",
                      "type": "TextBlock",
                      "wrap": true,
                    },
                  ],
                  "style": "good",
                  "type": "Container",
                },
                {
                  "facts": [
                    {
                      "title": "Capsule",
                      "value": "cl-7f3a9c",
                    },
                    {
                      "title": "Actor",
                      "value": "Ada (usr-9)",
                    },
                    {
                      "title": "Team",
                      "value": "team-42",
                    },
                    {
                      "title": "Time",
                      "value": "2026-04-09T11:06:06Z",
                    },
                    {
                      "title": "template",
                      "value": "python-3.12",
                    },
                  ],
                  "type": "FactSet",
                },
                {
                  "isSubtle": true,
                  "size": "Small",
                  "text": "Wrenn Channels · capsule.created · 2026-04-09T11:06:06Z",
                  "type": "TextBlock",
                  "wrap": true,
                },
              ],
              "msteams": {
                "width": "Full",
              },
              "type": "AdaptiveCard",
              "version": "1.4",
            },
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
          },
        ],
        "type": "message",
      }
    `);
  });

  it.each(EVENT_TYPES)('renders %s as a valid Adaptive Card 1.4', (type) => {
    const message = renderTeamsMessage(sampleEvent(type));
    const expected = EXPECTED_TEXT[type];
    expect(cardProblems(message)).toEqual([]);
    const [header, facts, footer] = cardOf(message).body;
    expect(header?.style).toBe({ good: 'good', warning: 'warning', attention: 'attention' }[expected.severity]);
    expect(header?.items?.map((i) => i.text)).toEqual([expected.title, expected.summary]);
    expect(facts?.facts).toContainEqual({ title: 'Time', value: '2026-04-09T11:06:06Z' });
    expect(footer?.text).toBe(`Wrenn Channels · ${type} · 2026-04-09T11:06:06Z`);
  });

  it('the validator used here does report broken cards', () => {
    const broken = renderTeamsMessage(sampleEvent('host.up'));
    const content = broken.attachments[0]!.content as { body: Array<Record<string, unknown>> };
    content.body.push(
      { type: 'TextBlok', text: 'x' },
      { type: 'Container', style: 'pink', items: [] },
      { type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'x' }] },
    );
    expect(cardProblems(broken).length).toBeGreaterThanOrEqual(2);
  });

  it('styles the test notification with the accent colour', () => {
    const message = renderTeamsMessage({
      ...sampleEvent('host.up'),
      event: 'channel.test',
      resource: { id: 'channel-test', type: 'channel' },
    });
    expect(cardOf(message).body[0]?.style).toBe('accent');
    expect(cardProblems(message)).toEqual([]);
  });

  it('stays under the size limit and valid for oversized input', () => {
    const message = renderTeamsMessage(oversizedEvent());
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(27_000);
    expect(cardProblems(message)).toEqual([]);
    const facts = factsOf(message);
    expect(facts.slice(0, 4).map((f) => f.title)).toEqual(['Capsule', 'Actor', 'Team', 'Time']);
    expect(facts.at(-1)?.value).toMatch(/^\d+ more details not shown$/);
    for (const fact of facts) expect(fact.value.length).toBeLessThanOrEqual(1_000);
  });

  it('keeps markdown out of TextBlocks and links out of facts', () => {
    const hostile = '**bold** _it_ [click](https://evil.example) <b>x</b> @everyone {{DATE(2017-02-14T06:08:39Z)}}';
    const message = renderTeamsMessage(hostileEvent(hostile));
    expect(cardProblems(message)).toEqual([]);
    const summary = cardOf(message).body[0]?.items?.[1]?.text;
    expect(summary).toBe(
      'Capsule bold it click(https://evil.example) <b>x</b> @everyone { {DATE(2017-02-14T06:08:39Z)} } was created by bold it click(https://evil.example) <b>x</b> @everyone { {DATE(2017-02-14T06:08:39Z)} } (usr-9).',
    );
    expect(factsOf(message)[0]).toEqual({
      title: 'Capsule',
      value: '**bold** _it_ [click] (https://evil.example) <b>x</b> @everyone { {DATE(2017-02-14T06:08:39Z)} }',
    });
  });

  it('never renders an empty fact value', () => {
    const message = renderTeamsMessage(sampleEvent('capsule.created', { metadata: { blank: ' ' } }));
    expect(factsOf(message).at(-1)).toEqual({ title: 'blank', value: '—' });
  });
});

describe('teams send', () => {
  let fake: FakeTeams;
  const context = (timeoutMs = 2_000) => loopbackContext({ teamsApiBase: fake.origin, timeoutMs });
  const send = (timeoutMs?: number, url = LOGIC) =>
    teamsProvider.send(
      { deliveryId: 'dlv-1', event: sampleEvent('capsule.paused'), config: { webhook_url: url } },
      context(timeoutMs),
    );

  beforeAll(async () => {
    fake = await startFakeTeams({ sig: SIG });
  });
  afterAll(() => fake.close());

  it('posts the card to the workflow path and query on the configured base; the flow run succeeds', async () => {
    expect(await send()).toEqual({ kind: 'ok', statusCode: 202 });
    const request = fake.received.at(-1)!;
    expect(request.url).toBe(
      `/workflows/8c7f2d9e4b1a4c6f9e2d7b3a5c8f1e0d/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`,
    );
    expect(request.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(fake.flowRuns.at(-1)).toMatchObject({
      status: 'Succeeded',
      cards: [{ type: 'AdaptiveCard', version: '1.4' }],
    });
  });

  it('delivers the oversized event under the 28 KB limit', async () => {
    const outcome = await teamsProvider.send(
      { deliveryId: 'dlv-2', event: oversizedEvent(), config: { webhook_url: LOGIC } },
      context(),
    );
    expect(outcome.kind).toBe('ok');
    expect(Buffer.byteLength(fake.received.at(-1)!.body)).toBeLessThanOrEqual(TEAMS_FAKE_MAX_BYTES);
  });

  it('maps 429 to a retry after Retry-After', async () => {
    fake.rateLimitNext(12);
    expect(await send()).toEqual({
      kind: 'retry',
      statusCode: 429,
      reason: 'Teams 429: WorkflowRequestsThrottled: The workflow is being throttled. Retry the request later.',
      retryAfterMs: 12_000,
    });
  });

  it('maps a 429 without Retry-After to a plain retry', async () => {
    fake.failNext({ status: 429, body: '' });
    const outcome = await send();
    expect(outcome).toEqual({ kind: 'retry', statusCode: 429, reason: 'Teams 429' });
  });

  it('maps a wrong sig (401) to a permanent failure without the sig', async () => {
    const outcome = await send(undefined, LOGIC.replace(SIG, 'WrongSignature123'));
    expect(outcome).toEqual({
      kind: 'permanent',
      statusCode: 401,
      reason:
        'Teams 401: DirectApiAuthorizationRequired: The request must be authenticated only by Shared Access scheme.',
      cause: 'destination',
    });
  });

  it.each([
    [400, 'message'],
    [403, 'destination'],
    [404, 'destination'],
    [413, 'message'],
    [422, 'other'],
  ] as const)('maps %i to a permanent failure caused by the %s', async (status, cause) => {
    fake.failNext({ status, body: { error: { code: 'X', message: 'nope' } } });
    expect(await send()).toEqual({ kind: 'permanent', statusCode: status, reason: `Teams ${status}: X: nope`, cause });
  });

  it.each([500, 502, 503])('maps %i to a retry', async (status) => {
    fake.failNext({ status, body: 'upstream trouble' });
    expect(await send()).toEqual({ kind: 'retry', statusCode: status, reason: `Teams ${status}: upstream trouble` });
  });

  it('maps a redirect to a retry (redirects are never followed)', async () => {
    // A second listening fake that would accept the card: a followed redirect would reach it and succeed.
    const elsewhere = await startFakeServer((_req, res) => {
      res.writeHead(202).end();
    });
    try {
      const before = fake.received.length;
      fake.failNext({ status: 302, headers: { location: `${elsewhere.origin}${new URL(LOGIC).pathname}` } });
      expect(await send()).toMatchObject({ kind: 'retry', statusCode: 302 });
      expect(fake.received.length - before).toBe(1);
      expect(elsewhere.received).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('maps a timeout to a retry', async () => {
    fake.hangNext();
    expect(await send(300)).toMatchObject({
      kind: 'retry',
      statusCode: null,
      reason: expect.stringContaining('no answer'),
    });
  });

  it('maps a refused connection to a retry', async () => {
    const gone = await startFakeTeams();
    await gone.close();
    const outcome = await teamsProvider.send(
      { deliveryId: 'dlv-3', event: sampleEvent('host.up'), config: { webhook_url: LOGIC } },
      loopbackContext({ teamsApiBase: gone.origin }),
    );
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: null, reason: expect.stringContaining('ECONNREFUSED') });
  });

  it('never puts the sig in a reason', async () => {
    fake.failNext({ status: 404, body: { error: { code: 'NotFound', message: `no flow for ${LOGIC}` } } });
    fake.failNext({ status: 500, body: `broken sig ${SIG}` });
    const outcomes = [await send(), await send()];
    expect(outcomes.map((o) => o.kind)).toEqual(['permanent', 'retry']);
    for (const outcome of outcomes) expect(reasonOf(outcome)).not.toContain(SIG);
  });

  it('the fake records a failed flow run for a body without attachments, as the real template does', async () => {
    const response = await fetch(`${fake.origin}/workflows/x/triggers/manual/paths/invoke?sig=${SIG}`, {
      method: 'POST',
      body: JSON.stringify({ text: 'hi' }),
    });
    expect(response.status).toBe(202);
    expect(fake.flowRuns.at(-1)).toMatchObject({
      status: 'Failed',
      error: expect.stringContaining("is of type 'Null'"),
    });
  });
});

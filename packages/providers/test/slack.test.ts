import { EVENT_TYPES } from '@wrenn/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeServer } from '../../testing/src/fakes/fake-server';
import { type FakeSlack, slackBlockProblem, startFakeSlack } from '../../testing/src/fakes/slack';
import type { SendOutcome } from '../src/provider';
import { SEVERITY_COLORS } from '../src/render';
import { renderSlackMessage, slackProvider } from '../src/slack';
import { EXPECTED_TEXT, hostileEvent, oversizedEvent, sampleEvent } from './support/chat-fixtures';
import { loopbackContext, testSettings } from './support/loopback-context';

const SETTINGS = testSettings();

const SECRET = 'Xq7bT2mK9pLw4vN8rS1dF6gH';
const HOOK = `T0AB12CD3/B0EF45GH6/${SECRET}`;
const URL_ = `https://hooks.slack.com/services/${HOOK}`;

function reasonOf(outcome: SendOutcome): string {
  return outcome.kind === 'ok' ? '' : outcome.reason;
}

type Field = { text: string };
type Section = { type: string; text?: Field; fields?: Field[]; elements?: Field[] };

function allTexts(message: ReturnType<typeof renderSlackMessage>): string[] {
  const blocks = [...message.blocks, ...(message.attachments[0]?.blocks ?? [])] as Section[];
  return [
    message.text,
    ...blocks.flatMap((b) => [
      b.text?.text,
      ...(b.fields ?? []).map((f) => f.text),
      ...(b.elements ?? []).map((e) => e.text),
    ]),
  ].filter((t): t is string => t !== undefined);
}

describe('slack config', () => {
  it.each([URL_, `https://hooks.slack.com/services/${HOOK}/`, `https://HOOKS.slack.com/services/${HOOK}`])(
    'accepts %s',
    (url) => {
      expect(slackProvider.validateConfig({ webhook_url: url }, SETTINGS)).toEqual({
        ok: true,
        config: { webhook_url: expect.stringMatching(/hooks\.slack\.com\/services\/T0AB12CD3\/B0EF45GH6\//) },
      });
    },
  );

  it.each([
    ['nope', 'is not a URL'],
    [`ftp://hooks.slack.com/services/${HOOK}`, 'must start with https://'],
    [`http://hooks.slack.com/services/${HOOK}`, 'https is required'],
    [`https://hooks.slack.com.evil.example/services/${HOOK}`, 'must be on hooks.slack.com'],
    [`https://evil.example/services/${HOOK}`, 'must be on hooks.slack.com'],
    [`https://hooks.slack.com/triggers/T0AB12CD3/123/${SECRET}`, 'Workflow Builder'],
    [`https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6`, 'not an incoming-webhook URL'],
    [`https://hooks.slack.com/services/x0AB12CD3/B0EF45GH6/${SECRET}`, 'copy it again'],
    [`https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/${SECRET}%21`, 'copy it again'],
  ])('rejects %s', (url, message) => {
    const check = slackProvider.validateConfig({ webhook_url: url }, SETTINGS);
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining(message) });
    if (!check.ok) expect(check.message).not.toContain(SECRET);
  });

  it('accepts short ids and secrets', () => {
    expect(
      slackProvider.validateConfig({ webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' }, SETTINGS),
    ).toEqual({
      ok: true,
      config: { webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXX' },
    });
  });

  it("is a user-supplied target unless the operator's Slack API base replaces its origin", () => {
    expect(slackProvider.userTargets({ webhook_url: URL_ }, SETTINGS)).toEqual([URL_]);
    expect(
      slackProvider.userTargets({ webhook_url: URL_ }, { ...SETTINGS, slackApiBase: 'https://proxy.example' }),
    ).toEqual([]);
  });
});

describe('slack render', () => {
  it('renders capsule.created', () => {
    expect(renderSlackMessage(sampleEvent('capsule.created'))).toMatchInlineSnapshot(`
      {
        "attachments": [
          {
            "blocks": [
              {
                "fields": [
                  {
                    "text": "*Capsule*
      cl-7f3a9c",
                    "type": "mrkdwn",
                  },
                  {
                    "text": "*Actor*
      Ada (usr-9)",
                    "type": "mrkdwn",
                  },
                  {
                    "text": "*Team*
      team-42",
                    "type": "mrkdwn",
                  },
                  {
                    "text": "*Time*
      2026-04-09T11:06:06Z",
                    "type": "mrkdwn",
                  },
                  {
                    "text": "*template*
      python-3.12",
                    "type": "mrkdwn",
                  },
                ],
                "type": "section",
              },
              {
                "elements": [
                  {
                    "text": "Wrenn Channels · capsule.created · <!date^1775732766^{date_short_pretty} {time}|2026-04-09T11:06:06.000Z>",
                    "type": "mrkdwn",
                  },
                ],
                "type": "context",
              },
            ],
            "color": "#2ECC71",
          },
        ],
        "blocks": [
          {
            "text": {
              "emoji": false,
              "text": "Capsule created",
              "type": "plain_text",
            },
            "type": "header",
          },
          {
            "text": {
              "text": "Capsule cl-7f3a9c was created by Ada (usr-9).",
              "type": "mrkdwn",
            },
            "type": "section",
          },
        ],
        "text": "Capsule created: Capsule cl-7f3a9c was created by Ada (usr-9).",
      }
    `);
  });

  it.each(EVENT_TYPES)('renders %s: header, summary, colour bar, facts and time', (type) => {
    const message = renderSlackMessage(sampleEvent(type));
    const expected = EXPECTED_TEXT[type];
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: expected.title, emoji: false },
    });
    expect(message.blocks[1]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: expected.summary } });
    expect(message.text).toBe(`${expected.title}: ${expected.summary}`);
    expect(message.attachments[0]?.color).toBe(
      `#${SEVERITY_COLORS[expected.severity].toString(16).toUpperCase().padStart(6, '0')}`,
    );
    const texts = allTexts(message);
    expect(texts).toContain('*Time*\n2026-04-09T11:06:06Z');
    expect(texts.at(-1)).toBe(
      `Wrenn Channels · ${type} · <!date^1775732766^{date_short_pretty} {time}|2026-04-09T11:06:06.000Z>`,
    );
    expect(slackBlockProblem(message.blocks)).toBeNull();
    expect(slackBlockProblem(message.attachments[0]?.blocks)).toBeNull();
  });

  it('keeps every Block Kit limit for oversized input', () => {
    const message = renderSlackMessage(oversizedEvent());
    expect(slackBlockProblem(message.blocks)).toBeNull();
    expect(slackBlockProblem(message.attachments[0]?.blocks)).toBeNull();
    expect(message.text.length).toBeLessThanOrEqual(3000);
    const blocks = message.attachments[0]?.blocks as Section[];
    expect(blocks.length).toBeLessThanOrEqual(5);
    for (const field of blocks.flatMap((b) => b.fields ?? [])) expect(field.text.length).toBeLessThanOrEqual(2000);
    expect(blocks.at(-1)?.elements?.[0]?.text).toMatch(/\d+ more details not shown$/);
  });

  it('escapes & < > everywhere, which disarms mentions and links', () => {
    const hostile = '<!channel> <!here> <!everyone> <@U123> <https://evil.example|click> <b>x</b> @everyone & *bold*';
    const texts = allTexts(renderSlackMessage(hostileEvent(hostile)));
    const escaped =
      '&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &lt;b&gt;x&lt;/b&gt; @everyone &amp; *bold*';
    expect(texts.filter((t) => t.includes(escaped)).length).toBeGreaterThanOrEqual(4);
    for (const text of texts) expect(text.replace(/<!date\^[^>]*>/, '')).not.toMatch(/[<>]/);
  });

  it('never cuts an entity in half', () => {
    const texts = allTexts(renderSlackMessage(hostileEvent('&'.repeat(5_000))));
    for (const text of texts) expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  });
});

describe('slack send', () => {
  let fake: FakeSlack;
  const context = (timeoutMs = 2_000) => loopbackContext({ slackApiBase: fake.origin, timeoutMs });
  const send = (timeoutMs?: number, url = URL_) =>
    slackProvider.send(
      { deliveryId: 'dlv-1', event: sampleEvent('host.down'), config: { webhook_url: url } },
      context(timeoutMs),
    );

  beforeAll(async () => {
    fake = await startFakeSlack({ hooks: [HOOK], archived: ['T0AB12CD3/B0EF45GH7/archivedarchived'] });
  });
  afterAll(() => fake.close());

  it('posts the Block Kit message to the hook path on the configured base', async () => {
    expect(await send()).toEqual({ kind: 'ok', statusCode: 200 });
    const last = fake.messages.at(-1)!;
    expect(last.hook).toBe(HOOK);
    expect(last.body).toMatchObject({ text: expect.stringContaining('Host is down'), unfurl_links: false });
    expect(fake.received.at(-1)?.headers['user-agent']).toBe('Wrenn-Webhooks/0.0.0-test');
  });

  it('delivers the oversized event: the fake accepts the truncated blocks', async () => {
    const outcome = await slackProvider.send(
      { deliveryId: 'dlv-2', event: oversizedEvent(), config: { webhook_url: URL_ } },
      context(),
    );
    expect(outcome.kind).toBe('ok');
  });

  it('maps 429 to a retry after Retry-After', async () => {
    fake.rateLimitNext(7);
    expect(await send()).toEqual({
      kind: 'retry',
      statusCode: 429,
      reason: 'Slack 429: rate_limited',
      retryAfterMs: 7_000,
    });
  });

  it('maps a 429 without Retry-After to a plain retry', async () => {
    fake.failNext({ status: 429, body: 'rate_limited' });
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  it('maps a revoked hook (404 no_service) to a permanent failure', async () => {
    const outcome = await send(undefined, `https://hooks.slack.com/services/T0AB12CD3/B0EF45GH9/${SECRET}`);
    expect(outcome).toEqual({
      kind: 'permanent',
      statusCode: 404,
      reason: 'Slack 404: no_service',
      cause: 'destination',
    });
  });

  it('maps an archived channel (410) to a permanent failure', async () => {
    const outcome = await send(undefined, 'https://hooks.slack.com/services/T0AB12CD3/B0EF45GH7/archivedarchived');
    expect(outcome).toEqual({
      kind: 'permanent',
      statusCode: 410,
      reason: 'Slack 410: channel_is_archived',
      cause: 'destination',
    });
  });

  it('maps invalid_blocks (400) to a permanent failure', async () => {
    fake.failNext({ status: 400, body: 'invalid_blocks' });
    expect(await send()).toEqual({
      kind: 'permanent',
      statusCode: 400,
      reason: 'Slack 400: invalid_blocks',
      cause: 'message',
    });
  });

  it.each([
    [403, 'invalid_token', 'destination'],
    [403, 'action_prohibited', 'destination'],
    [404, 'channel_not_found', 'destination'],
    [404, 'no_team', 'destination'],
    [400, 'invalid_payload', 'message'],
    [400, 'no_text', 'message'],
    [400, 'too_many_attachments', 'message'],
    [400, 'user_not_found', 'other'],
    [400, 'something_new', 'other'],
    [403, 'something_new', 'destination'],
  ] as const)('maps %i %s to a permanent failure caused by the %s', async (status, body, cause) => {
    fake.failNext({ status, body, headers: { 'content-type': 'text/html' } });
    expect(await send()).toEqual({ kind: 'permanent', statusCode: status, reason: `Slack ${status}: ${body}`, cause });
  });

  it('maps 5xx to a retry', async () => {
    fake.failNext({ status: 500, body: 'rollup_error' });
    expect(await send()).toEqual({ kind: 'retry', statusCode: 500, reason: 'Slack 500: rollup_error' });
  });

  it('maps a redirect to a retry (redirects are never followed)', async () => {
    // A second listening fake that would accept the message: a followed redirect would reach it and succeed.
    const elsewhere = await startFakeServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    try {
      const before = fake.received.length;
      fake.failNext({ status: 302, headers: { location: `${elsewhere.origin}/services/${HOOK}` } });
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
    const gone = await startFakeSlack();
    await gone.close();
    const outcome = await slackProvider.send(
      { deliveryId: 'dlv-3', event: sampleEvent('host.up'), config: { webhook_url: URL_ } },
      loopbackContext({ slackApiBase: gone.origin }),
    );
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: null });
  });

  it('never puts the path secret in a reason', async () => {
    fake.failNext({ status: 403, body: `invalid_token for /services/${HOOK}` });
    fake.failNext({ status: 503, body: `down ${SECRET}` });
    const outcomes = [await send(), await send()];
    expect(outcomes.map((o) => o.kind)).toEqual(['permanent', 'retry']);
    for (const outcome of outcomes) expect(reasonOf(outcome)).not.toContain(SECRET);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { slackBlockProblem } from '../../testing/src/fakes/slack';
import {
  FAKE_SLACK_BOT_TOKEN,
  FAKE_SLACK_CHANNEL,
  type FakeSlackWebApi,
  startFakeSlackWebApi,
} from '../../testing/src/fakes/slack-web-api';
import type { BoardOutcome, BoardResource, SendOutcome } from '../src/provider';
import { sendBoard, sendEvent, sendEvents } from '../src/send-event';
import { renderSlackBoard, slackProvider } from '../src/slack';
import { validateChannelConfig } from '../src/validate-config';
import { capsuleBoard, capsuleStep, crowdedBoard } from './support/board-fixtures';
import { sampleEvent } from './support/chat-fixtures';
import { loopbackContext, testSettings } from './support/loopback-context';

const SETTINGS = testSettings();
const APP = { bot_token: FAKE_SLACK_BOT_TOKEN, channel_id: FAKE_SLACK_CHANNEL };

let fake: FakeSlackWebApi;
let context: ReturnType<typeof loopbackContext>;

beforeAll(async () => {
  fake = await startFakeSlackWebApi({
    channels: [
      { id: FAKE_SLACK_CHANNEL, name: 'ops-alerts' },
      { id: 'C0OUTSIDE01', name: 'elsewhere', member: false },
      { id: 'C0ARCHIVE01', name: 'old', archived: true },
      { id: 'G0PRIVATE01', name: 'secret', member: false },
      { id: 'C0SECOND001', name: 'second' },
    ],
    tokens: [FAKE_SLACK_BOT_TOKEN, 'xoxb-1-2-revokedtokenvalue'],
  });
  fake.revokeToken('xoxb-1-2-revokedtokenvalue');
  context = loopbackContext({ slackApiBase: fake.origin });
});
afterAll(async () => {
  await context.close();
  await fake.close();
});
afterEach(() => fake.reset());

function reasonOf(outcome: SendOutcome | BoardOutcome): string {
  return outcome.kind === 'ok' ? '' : outcome.reason;
}

function send(config: Record<string, string> = APP) {
  return sendEvent('slack', { deliveryId: 'dlv-1', event: sampleEvent('capsule.created'), config }, context);
}

function board(resources: BoardResource[], previous?: Record<string, string>, config = APP) {
  return sendBoard('slack', { deliveryId: 'dlv-1', config, resources, previous }, context);
}

describe('slack config forms', () => {
  it('accepts the app form, normalised', () => {
    expect(
      validateChannelConfig('slack', { bot_token: ` ${FAKE_SLACK_BOT_TOKEN} `, channel_id: 'G0123456789' }, SETTINGS),
    ).toEqual({
      ok: true,
      config: { bot_token: FAKE_SLACK_BOT_TOKEN, channel_id: 'G0123456789' },
    });
  });

  it.each([
    [{}, 'config needs webhook_url, or bot_token and channel_id for slack'],
    [{ bot_token: FAKE_SLACK_BOT_TOKEN }, 'config.channel_id is required with config.bot_token'],
    [{ channel_id: FAKE_SLACK_CHANNEL }, 'config.bot_token is required with config.channel_id'],
    [{ ...APP, webhook_url: 'https://hooks.slack.com/services/T1/B1/abc' }, 'mixes two slack forms'],
    [
      { webhook_url: 'https://hooks.slack.com/services/T1/B1/abc', channel_id: FAKE_SLACK_CHANNEL },
      'mixes two slack forms',
    ],
    [{ ...APP, thread_ts: '1.2' }, 'config.thread_ts is not a slack setting'],
  ])('refuses %j, saying what is wrong', (config, message) => {
    const check = validateChannelConfig('slack', config, SETTINGS);
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining(message) });
    if (!check.ok) expect(check.message).not.toContain(FAKE_SLACK_BOT_TOKEN);
  });

  it.each([
    [{ ...APP, bot_token: 'xoxp-1234-5678-userTokenValue' }, 'must be a bot token (xoxb-…), not a xoxp-… token'],
    [{ ...APP, bot_token: 'not-a-token-at-all' }, 'must be a Slack bot token (xoxb-…)'],
    [{ ...APP, bot_token: 'xoxb-has spaces inside' }, 'must be a Slack bot token'],
    [{ ...APP, channel_id: '#ops-alerts' }, 'not its name'],
    [{ ...APP, channel_id: 'ops-alerts' }, 'not its name'],
    [{ ...APP, channel_id: 'C1234567' }, '9–12 characters'],
    [{ ...APP, channel_id: 'C1234567890AB' }, '9–12 characters'],
    [{ ...APP, channel_id: 'X0123456789' }, 'C…, G… or D…'],
    [{ ...APP, channel_id: 'C01234567ab' }, '9–12 characters'],
  ])('refuses the shape of %j', (config, message) => {
    const check = validateChannelConfig('slack', config, SETTINGS);
    expect(check).toMatchObject({ ok: false, message: expect.stringContaining(message) });
    if (!check.ok) expect(check.message).not.toMatch(/xoxp-1234|not-a-token|has spaces/);
  });

  it('targets no user URL in the app form', () => {
    expect(slackProvider.userTargets(APP, SETTINGS)).toEqual([]);
  });
});

describe('each-style messages through the Web API', () => {
  it('posts one event with chat.postMessage: the bot token as a Bearer, the channel, text and blocks', async () => {
    const before = fake.messages.length;
    const outcome = await send();
    expect(outcome).toEqual({ kind: 'ok', statusCode: 200 });
    const request = fake.received.at(-1);
    expect(request?.url).toBe('/api/chat.postMessage');
    expect(request?.headers.authorization).toBe(`Bearer ${FAKE_SLACK_BOT_TOKEN}`);
    expect(request?.body).not.toContain(FAKE_SLACK_BOT_TOKEN);
    const message = fake.messages[before];
    expect(message).toMatchObject({ channel: FAKE_SLACK_CHANNEL, ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    expect(message?.text).toContain('Capsule created');
    expect(message?.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Capsule created' } });
  });

  it('posts a digest of several events as one message', async () => {
    const before = fake.messages.length;
    const items = [0, 1, 2].map((i) => ({ deliveryId: `dlv-${i}`, event: capsuleStep(i) }));
    const sent = await sendEvents('slack', { config: APP, items }, context);
    expect(sent).toEqual({ outcome: { kind: 'ok', statusCode: 200 }, carried: 3 });
    expect(fake.messages.length).toBe(before + 1);
    expect(fake.messages.at(-1)?.blocks[0]).toMatchObject({ type: 'header', text: { text: '3 events' } });
  });

  it('prints nothing through the client’s logger', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m));
    try {
      fake.failNextWith('invalid_auth');
      await send();
      await send();
      // A request that gets no answer is what the client's default logger warns about.
      const nowhere = loopbackContext({ slackApiBase: 'http://127.0.0.1:9' });
      await sendEvent('slack', { deliveryId: 'd', event: sampleEvent('host.up'), config: APP }, nowhere);
      await nowhere.close();
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('resource-style messages', () => {
  it('posts a board and answers its channel and ts, then edits that same message', async () => {
    const posted = await board([capsuleBoard(1)]);
    expect(posted).toMatchObject({ kind: 'ok', message: { channel: FAKE_SLACK_CHANNEL, ts: expect.any(String) } });
    if (posted.kind !== 'ok') return;
    const count = fake.messages.length;

    const edited = await board([capsuleBoard(3)], posted.message);
    expect(edited).toEqual({ kind: 'ok', statusCode: 200, message: posted.message });
    expect(fake.messages.length).toBe(count);
    expect(fake.received.at(-1)?.url).toBe('/api/chat.update');
    const message = fake.message(FAKE_SLACK_CHANNEL, posted.message.ts as string);
    expect(message?.versions).toHaveLength(2);
    expect(message?.text).toBe('Capsule cl-7f3a9c · paused');
    const section = JSON.stringify(message?.blocks[1]);
    expect(section).toContain('Capsule created');
    expect(section).toContain('Capsule resumed');
    expect(section).toContain('Capsule paused');
  });

  it.each([
    ['message_not_found', 'delete'],
    ['cant_update_message', 'refuse'],
    ['edit_window_closed', 'refuse'],
  ] as const)('posts anew in the same call when chat.update says %s', async (error, how) => {
    const first = await board([capsuleBoard(1)]);
    if (first.kind !== 'ok') throw new Error(reasonOf(first));
    const ts = first.message.ts as string;
    if (how === 'delete') fake.deleteMessage(FAKE_SLACK_CHANNEL, ts);
    else fake.refuseEdits(FAKE_SLACK_CHANNEL, ts, error);
    const calls = fake.received.length;

    const outcome = await board([capsuleBoard(2)], first.message);
    expect(outcome).toMatchObject({ kind: 'ok', message: { channel: FAKE_SLACK_CHANNEL } });
    if (outcome.kind !== 'ok') return;
    expect(outcome.message.ts).not.toBe(ts);
    const urls = fake.received.slice(calls).map((r) => r.url);
    expect(urls).toEqual(['/api/chat.update', '/api/chat.postMessage']);
    expect(fake.received.slice(calls)[0]?.status).toBe(200);
    expect(fake.message(FAKE_SLACK_CHANNEL, outcome.message.ts as string)?.text).toBe('Capsule cl-7f3a9c · running');
  });

  it('does not repost when an edit fails for another reason', async () => {
    const first = await board([capsuleBoard(1)]);
    if (first.kind !== 'ok') throw new Error(reasonOf(first));
    const count = fake.messages.length;
    fake.failNextWith('msg_too_long');
    const outcome = await board([capsuleBoard(2)], first.message);
    expect(outcome).toMatchObject({ kind: 'permanent', cause: 'message', statusCode: 200 });
    expect(fake.messages.length).toBe(count);
  });

  it('posts anew, without an edit, when the message lives in another channel than the config names', async () => {
    const first = await board([capsuleBoard(1)]);
    if (first.kind !== 'ok') throw new Error(reasonOf(first));
    const calls = fake.received.length;
    const outcome = await board([capsuleBoard(2)], first.message, { ...APP, channel_id: 'C0SECOND001' });
    expect(outcome).toMatchObject({ kind: 'ok', message: { channel: 'C0SECOND001' } });
    expect(fake.received.slice(calls).map((r) => r.url)).toEqual(['/api/chat.postMessage']);
  });

  it('refuses resource style for the webhook form without sending anything', async () => {
    const calls = fake.received.length;
    const outcome = await board([capsuleBoard(1)], undefined, {
      webhook_url: 'https://hooks.slack.com/services/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',
    } as never);
    expect(outcome).toMatchObject({ kind: 'permanent', reason: expect.stringContaining('bot_token and channel_id') });
    expect(fake.received.length).toBe(calls);
  });
});

describe('classifying Web API answers', () => {
  it.each([
    ['msg_too_long', 'message'],
    ['invalid_blocks', 'message'],
    ['invalid_arguments', 'message'],
    ['channel_not_found', 'destination'],
    ['not_in_channel', 'destination'],
    ['invalid_auth', 'destination'],
    ['token_revoked', 'destination'],
    ['account_inactive', 'destination'],
    ['is_archived', 'destination'],
  ] as const)('%s is permanent, cause %s', async (error, cause) => {
    fake.failNextWith(error);
    const outcome = await send();
    expect(outcome).toEqual({ kind: 'permanent', statusCode: 200, cause, reason: `Slack chat.postMessage: ${error}` });
  });

  it('reads what the fake workspace says about real destinations', async () => {
    expect(await send({ ...APP, channel_id: 'C0NOWHERE01' })).toMatchObject({
      kind: 'permanent',
      cause: 'destination',
      reason: expect.stringContaining('channel_not_found'),
    });
    expect(await send({ ...APP, channel_id: 'C0OUTSIDE01' })).toMatchObject({
      kind: 'permanent',
      cause: 'destination',
      reason: expect.stringContaining('not_in_channel'),
    });
    expect(await send({ ...APP, channel_id: 'C0ARCHIVE01' })).toMatchObject({
      kind: 'permanent',
      cause: 'destination',
      reason: expect.stringContaining('is_archived'),
    });
    expect(await send({ ...APP, bot_token: 'xoxb-9-9-unknownTokenValue' })).toMatchObject({
      kind: 'permanent',
      cause: 'destination',
      reason: expect.stringContaining('invalid_auth'),
    });
    expect(await send({ ...APP, bot_token: 'xoxb-1-2-revokedtokenvalue' })).toMatchObject({
      kind: 'permanent',
      cause: 'destination',
      reason: expect.stringContaining('token_revoked'),
    });
  });

  it('retries a 429 after its Retry-After, without the client waiting on it', async () => {
    fake.rateLimitNext(7);
    const started = Date.now();
    const outcome = await send();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429, retryAfterMs: 7_000 });
    expect(fake.received.at(-1)?.status).toBe(429);
  });

  it('retries a 429 without Retry-After too, leaving the wait to the schedule', async () => {
    fake.failNext({ status: 429, body: { ok: false, error: 'ratelimited' } });
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  it('meets the per-channel rate of chat.postMessage with a 429 and its wait', async () => {
    const limited = await startFakeSlackWebApi({ rateLimits: true });
    const ctx = loopbackContext({ slackApiBase: limited.origin });
    try {
      const outcomes = [];
      for (let i = 0; i < 4; i++)
        outcomes.push(
          await sendEvent('slack', { deliveryId: `d${i}`, event: sampleEvent('host.up'), config: APP }, ctx),
        );
      const refused = outcomes.filter((o) => o.kind === 'retry');
      expect(refused.length).toBeGreaterThan(0);
      expect(refused[0]).toMatchObject({ statusCode: 429, retryAfterMs: expect.any(Number) });
      expect(limited.tooManyRequests()).toBe(refused.length);
    } finally {
      await ctx.close();
      await limited.close();
    }
  });

  it('retries a 5xx, once, and Slack’s own internal_error', async () => {
    fake.failNext({ status: 503, body: 'upstream unavailable' });
    const calls = fake.received.length;
    expect(await send()).toMatchObject({ kind: 'retry', statusCode: 503 });
    expect(fake.received.length).toBe(calls + 1);
    fake.failNextWith('internal_error');
    expect(await send()).toMatchObject({
      kind: 'retry',
      statusCode: 200,
      reason: 'Slack chat.postMessage: internal_error',
    });
  });

  it('retries a timeout and an unreachable API as unanswered', async () => {
    fake.hangNext();
    expect(await send()).toMatchObject({
      kind: 'retry',
      statusCode: null,
      unanswered: true,
      reason: expect.stringContaining('no answer within 2 s'),
    });
    const nowhere = loopbackContext({ slackApiBase: 'http://127.0.0.1:9' });
    try {
      const outcome = await sendEvent(
        'slack',
        { deliveryId: 'd', event: sampleEvent('host.up'), config: APP },
        nowhere,
      );
      expect(outcome).toMatchObject({ kind: 'retry', statusCode: null, unanswered: true });
    } finally {
      await nowhere.close();
    }
  });

  it('never puts the token in a reason, even when the answer echoes it', async () => {
    fake.failNext({ status: 500, body: `token ${FAKE_SLACK_BOT_TOKEN} rejected` });
    const echoed = await send();
    expect(echoed.kind).toBe('retry');
    fake.failNext({ status: 400, body: `bad ${FAKE_SLACK_BOT_TOKEN}` });
    const bad = await send();
    expect(bad).toMatchObject({ kind: 'permanent', cause: 'other' });
    fake.failNextWith('invalid_auth');
    const refused = await board([capsuleBoard(1)]);
    for (const outcome of [echoed, bad, refused]) {
      expect(reasonOf(outcome)).not.toBe('');
      expect(reasonOf(outcome)).not.toContain(FAKE_SLACK_BOT_TOKEN);
      expect(reasonOf(outcome)).not.toContain('AbCdEfGhIjKlMnOpQrStUvWx');
    }
  });
});

describe('checking the app form’s destination', () => {
  const check = (config: Record<string, string>, ctx = context) =>
    slackProvider.checkDestination?.(config, ctx) ?? Promise.reject(new Error('slack has no destination check'));

  it('accepts a working token and a channel the bot is in, with auth.test and conversations.info', async () => {
    const calls = fake.received.length;
    expect(await check(APP)).toEqual({ ok: true });
    expect(fake.received.slice(calls).map((r) => r.url)).toEqual(['/api/auth.test', '/api/conversations.info']);
  });

  it('asks nothing for the webhook form', async () => {
    const calls = fake.received.length;
    expect(await check({ webhook_url: 'https://hooks.slack.com/services/T1/B1/abc' })).toEqual({ ok: true });
    expect(fake.received.length).toBe(calls);
  });

  it.each([
    [{ ...APP, bot_token: 'xoxb-9-9-unknownTokenValue' }, 'bot_token was refused by Slack (invalid_auth)'],
    [{ ...APP, bot_token: 'xoxb-1-2-revokedtokenvalue' }, 'bot_token was refused by Slack (token_revoked)'],
    [{ ...APP, channel_id: 'C0OUTSIDE01' }, 'the bot is not a member of channel C0OUTSIDE01'],
    [{ ...APP, channel_id: 'G0PRIVATE01' }, 'channel_id G0PRIVATE01 was not found by the bot'],
    [{ ...APP, channel_id: 'C0NOWHERE01' }, 'channel_id C0NOWHERE01 was not found by the bot'],
    [{ ...APP, channel_id: 'C0ARCHIVE01' }, 'is an archived channel'],
  ])('refuses %j', async (config, message) => {
    const result = await check(config);
    expect(result).toMatchObject({ ok: false, kind: 'invalid', message: expect.stringContaining(message) });
    expect(JSON.stringify(result)).not.toContain('unknownTokenValue');
    expect(JSON.stringify(result)).not.toContain('revokedtokenvalue');
  });

  it('says Slack could not be asked when it fails or is rate limited', async () => {
    fake.failNext({ status: 502, body: 'bad gateway' });
    expect(await check(APP)).toMatchObject({ ok: false, kind: 'unreachable' });
    fake.rateLimitNext(3);
    expect(await check(APP)).toMatchObject({ ok: false, kind: 'unreachable' });
  });

  it('lets a token without the scope to read channels through', async () => {
    fake.failNext({ status: 200, body: { ok: true, user_id: 'U1' } });
    fake.failNextWith('missing_scope');
    expect(await check(APP)).toEqual({ ok: true });
  });
});

describe('the Slack board', () => {
  it('shows one resource: header, its state and events, a link button, and the update time', () => {
    const url = 'https://app.wrenn.dev/capsules/cl-7f3a9c';
    const message = renderSlackBoard([capsuleBoard(2, { resource: { type: 'sandbox', id: 'cl-7f3a9c', url } })]);
    expect(slackBlockProblem(message.blocks)).toBeNull();
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
    expect(message.blocks[0]).toMatchObject({ text: { text: 'Capsule cl-7f3a9c · running' } });
    expect(message.blocks[2]).toMatchObject({
      elements: [{ type: 'button', url, text: { text: 'Open capsule cl-7f3a9c' } }],
    });
    expect(JSON.stringify(message.blocks[3])).toContain('<!date^1775732460^');
  });

  it('shows earlier events as a count and stays within 50 blocks and 3,000 characters per section', () => {
    const resources = crowdedBoard(60, 40).map((r, i) => ({
      ...r,
      earlier: i === 0 ? 5 : 0,
      events: r.events.map((e) => ({
        ...e,
        resource: { ...e.resource, url: `https://app.wrenn.dev/capsules/${r.id}` },
      })),
    }));
    const message = renderSlackBoard(resources);
    expect(slackBlockProblem(message.blocks)).toBeNull();
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks[1])).toMatch(/_\d+ earlier events_/);
    expect(JSON.stringify(message.blocks.at(-2))).toMatch(/and \d+ more resources/);
  });

  it('escapes what events carry', () => {
    const hostile = capsuleBoard(1, { actor: { type: 'user', id: 'usr-1', name: '<!channel> & <https://evil|x>' } });
    const text = JSON.stringify(renderSlackBoard([hostile]).blocks);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &amp;');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGoogleChat, startFakeGoogleChat } from '../../testing/src/fakes/googlechat';
import { type FakeSlack, startFakeSlack } from '../../testing/src/fakes/slack';
import { type FakeTeams, startFakeTeams } from '../../testing/src/fakes/teams';
import type { HostLookup } from '../src/outbound/outbound-http';
import type { ProviderName, ProviderSettings } from '../src/provider';
import { sendEvent } from '../src/send-event';
import { loopbackContext } from './support/loopback-context';
import { sampleEvent } from './support/sample-events';

/**
 * Slack, Teams and Google Chat URLs are user-supplied: without an operator
 * API base their host is resolved, checked and pinned like a webhook URL's.
 * The scripted resolver sends every official host to loopback, which the
 * rule refuses, so nothing may reach the fakes.
 */
const toLoopback: HostLookup = async () => [{ address: '127.0.0.1', family: 4 }];

let slack: FakeSlack;
let teams: FakeTeams;
let googleChat: FakeGoogleChat;

beforeAll(async () => {
  [slack, teams, googleChat] = await Promise.all([startFakeSlack(), startFakeTeams(), startFakeGoogleChat()]);
});
afterAll(async () => {
  await Promise.all([slack.close(), teams.close(), googleChat.close()]);
});

type Case = {
  provider: Extract<ProviderName, 'slack' | 'teams' | 'googlechat'>;
  url: () => string;
  base: () => Partial<ProviderSettings>;
  received: () => number;
};

const cases: Case[] = [
  {
    provider: 'slack',
    url: () => slack.webhookUrl(),
    base: () => ({ slackApiBase: slack.origin }),
    received: () => slack.received.length,
  },
  {
    provider: 'teams',
    url: () => teams.workflowUrl(),
    base: () => ({ teamsApiBase: teams.origin }),
    received: () => teams.received.length,
  },
  {
    provider: 'googlechat',
    url: () => googleChat.webhookUrl(),
    base: () => ({ googleChatApiBase: googleChat.origin }),
    received: () => googleChat.received.length,
  },
];

describe.each(cases)('$provider delivery under the outbound-safety rule', ({ provider, url, base, received }) => {
  const send = (settings: Partial<ProviderSettings>) => {
    const context = loopbackContext({ allowPrivateTargets: false, ...settings }, { lookup: toLoopback });
    return sendEvent(
      provider,
      { deliveryId: 'dlv-000000000000000000000g001', event: sampleEvent('host.down'), config: { webhook_url: url() } },
      context,
    ).finally(() => context.close());
  };

  it('refuses the official host when it resolves to a forbidden address', async () => {
    const before = received();
    const outcome = await send({});
    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: null, cause: 'destination' });
    expect(outcome.kind !== 'ok' && outcome.reason).toMatch(/^target address 127\.0\.0\.1 is not allowed \(loopback\)/);
    expect(received()).toBe(before);
  });

  it("trusts the operator's API base, which replaces the user's origin", async () => {
    const before = received();
    expect(await send(base())).toMatchObject({ kind: 'ok' });
    expect(received()).toBe(before + 1);
  });
});

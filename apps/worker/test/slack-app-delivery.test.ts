import { newId } from '@wrenn/events';
import {
  FAKE_SLACK_BOT_TOKEN,
  FAKE_SLACK_CHANNEL,
  type FakeSlackWebApi,
  startFakeSlackWebApi,
  waitFor,
} from '@wrenn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

// An each-style delivery through the worker to a Slack channel in its app form.

describe('Slack app channels through the worker', () => {
  let pipeline: Pipeline;
  let slack: FakeSlackWebApi;

  beforeAll(async () => {
    slack = await startFakeSlackWebApi();
    pipeline = await createPipeline({ retryDelays: [], providerSettings: { slackApiBase: slack.origin } });
    pipeline.startWorker();
  });
  afterAll(async () => {
    await pipeline?.close();
    await slack?.close();
  });

  it('posts the event with chat.postMessage and records a success', async () => {
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { bot_token: FAKE_SLACK_BOT_TOKEN, channel_id: FAKE_SLACK_CHANNEL },
      events: ['capsule.created'],
    });
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);

    await waitFor(() => slack.messages.length >= 1, { timeoutMs: 15_000 });
    expect(slack.messages[0]).toMatchObject({
      channel: FAKE_SLACK_CHANNEL,
      text: expect.stringContaining('Capsule created'),
    });
    await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid))[0]?.status === 'succeeded', {
      timeoutMs: 15_000,
    });
  });

  it('fails a delivery to a channel Slack does not know, without the token in its error', async () => {
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { bot_token: FAKE_SLACK_BOT_TOKEN, channel_id: 'C0NOWHERE01' },
      events: ['capsule.created'],
    });
    await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);

    await waitFor(async () => (await pipeline.deliveriesOf(channel.uuid))[0]?.status === 'failed', {
      timeoutMs: 15_000,
    });
    const [delivery] = await pipeline.deliveriesOf(channel.uuid);
    expect(delivery?.last_error).toContain('channel_not_found');
    expect(delivery?.last_error).not.toContain(FAKE_SLACK_BOT_TOKEN.split('-').at(-1));
  });
});

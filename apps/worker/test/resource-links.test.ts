import { linkResource, newId, parseLinkTemplates } from '@wrenn/events';
import { type FakeServer, startFakeServer, waitFor } from '@wrenn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../../../packages/testing/src/fakes/slack';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

const templates = parseLinkTemplates(
  'sandbox=https://app.wrenn.dev/t/{team_id}/capsules/{id},host=https://app.wrenn.dev/admin/hosts/{id}',
);

describe('dashboard links on delivery', () => {
  let pipeline: Pipeline;
  let receiver: FakeServer;
  let slack: FakeSlack;

  beforeAll(async () => {
    slack = await startFakeSlack();
    receiver = await startFakeServer((_req, res) => {
      res.writeHead(200).end('ok');
    });
    pipeline = await createPipeline({ providerSettings: { slackApiBase: slack.origin, linkTemplates: templates } });
    pipeline.startWorker();
  });

  afterAll(async () => {
    await pipeline?.close();
    await receiver?.close();
    await slack?.close();
  });

  it('a webhook receives resource.url and a Slack message a button to it; the stored event has none', async () => {
    const team = newId('team').id;
    await pipeline.createChannel({
      teamId: team,
      config: { url: `${receiver.origin}/hook` },
      events: ['capsule.created'],
    });
    await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { webhook_url: slack.webhookUrl() },
      events: ['capsule.created'],
    });
    const entry = lifecycleEntry(team, 'sandbox', 'create');
    await pipeline.audit.record([entry]);

    await waitFor(() => receiver.received.length >= 1 && slack.messages.length >= 1, { timeoutMs: 15_000 });
    const expected = `https://app.wrenn.dev/t/${encodeURIComponent(team)}/capsules/${encodeURIComponent(entry.resource_id ?? '')}`;
    const body = JSON.parse(receiver.received[0]?.body ?? '{}');
    expect(body.resource).toEqual({ id: entry.resource_id, type: 'sandbox', url: expected });
    expect(linkResource({ ...body, resource: { id: body.resource.id, type: 'sandbox' } }, templates)).toEqual(body);

    const blocks = (slack.messages[0]?.body.blocks ?? []) as Array<{
      type: string;
      elements?: Array<{ url?: string }>;
    }>;
    const actions = blocks.find((block) => block.type === 'actions');
    expect(actions?.elements?.map((button) => button.url)).toEqual([expected]);

    const stored = await pipeline.db.selectFrom('events').select('payload').execute();
    expect(JSON.stringify(stored)).not.toContain('app.wrenn.dev');
  });
});

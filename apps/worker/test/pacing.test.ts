import { newId } from '@wrenn/events';
import type { PacingRule } from '@wrenn/providers';
import {
  type FakeServer,
  type ReceivedRequest,
  spawnWorker,
  startFakeServer,
  type WorkerProcess,
  waitFor,
} from '@wrenn/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { rateLimitWaitError } from '../src/delivery/mailbox';
import { loadWorkerEnv } from '../src/env';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

const SLACK_URL = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
const CAPSULE_ID = /cl-[0-9a-z]{25}/g;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface SlackReceiver extends FakeServer {
  /** Requests answered 200, in arrival order. */
  accepted: ReceivedRequest[];
  /** Requests answered 429. */
  refused: ReceivedRequest[];
  /** Capsule ids in the order their messages arrived (a combined message lists several). */
  capsules(): string[];
}

/**
 * A Slack incoming webhook that takes at most `limit` messages in any
 * `windowMs` and answers anything beyond with 429 and `Retry-After`, as Slack
 * does; `script` may answer a request first (a scripted failure).
 */
async function startSlack(
  options: {
    limit?: number;
    windowMs?: number;
    retryAfter?: string;
    script?: (req: ReceivedRequest, n: number) => { status: number; body: string } | undefined;
  } = {},
): Promise<SlackReceiver> {
  const accepted: ReceivedRequest[] = [];
  const refused: ReceivedRequest[] = [];
  let n = 0;
  const server = await startFakeServer((req, res) => {
    n++;
    const now = Date.now();
    const windowMs = options.windowMs ?? 1_000;
    const recent = accepted.filter((r) => r.receivedAt > now - windowMs).length;
    if (recent >= (options.limit ?? 1)) {
      refused.push(req);
      res.writeHead(429, { 'retry-after': options.retryAfter ?? '1' }).end('rate_limited');
      return;
    }
    const scripted = options.script?.(req, n);
    if (scripted) {
      res.writeHead(scripted.status).end(scripted.body);
      return;
    }
    accepted.push(req);
    res.writeHead(200).end('ok');
  });
  cleanups.push(() => server.close());
  return Object.assign(server, {
    accepted,
    refused,
    capsules: () => accepted.flatMap((r) => [...new Set(r.body.match(CAPSULE_ID) ?? [])]),
  });
}

/** Slack paced at one message per `windowMs`: tests run the published rate faster. */
function slackEvery(windowMs: number): { slack: PacingRule } {
  return { slack: { windows: [{ limit: 1, windowMs }] } };
}

async function slackPipeline(slack: FakeServer, retryDelays = [300, 300]): Promise<Pipeline> {
  const pipeline = await createPipeline({ retryDelays, providerSettings: { slackApiBase: slack.origin } });
  cleanups.push(() => pipeline.close());
  return pipeline;
}

/** Records `count` capsule.created events for the team, in one ingest; returns their capsule ids in order. */
async function burst(pipeline: Pipeline, team: string, count: number): Promise<string[]> {
  const entries = Array.from({ length: count }, () => lifecycleEntry(team, 'sandbox', 'create'));
  await pipeline.audit.record(entries);
  return entries.map((e) => e.resource_id as string);
}

async function settled(pipeline: Pipeline, channelUuid: string, count: number, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const rows = await pipeline.deliveriesOf(channelUuid);
      return rows.length === count && rows.every((r) => r.status !== 'pending') ? rows : null;
    },
    { timeoutMs, intervalMs: 100, message: 'deliveries did not settle' },
  );
}

function gaps(requests: readonly ReceivedRequest[]): number[] {
  return requests.slice(1).map((r, i) => r.receivedAt - (requests[i] as ReceivedRequest).receivedAt);
}

describe('pacing per destination', () => {
  it('a burst to one Slack webhook is paced at its rate: all arrive, in order, without a 429', async () => {
    const slack = await startSlack({ limit: 1, windowMs: 180 });
    const pipeline = await slackPipeline(slack);
    pipeline.startWorker({ pacing: slackEvery(200) });
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { webhook_url: SLACK_URL },
      events: ['capsule.created'],
    });

    const started = Date.now();
    const capsules = await burst(pipeline, team, 20);
    const rows = await settled(pipeline, channel.uuid, 20);
    const tookMs = Date.now() - started;

    expect(rows.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true);
    expect(slack.refused).toHaveLength(0);
    expect(slack.capsules()).toEqual(capsules);
    // Never faster than the rate (one message per 200 ms, a little margin added).
    for (const gap of gaps(slack.accepted)) expect(gap).toBeGreaterThanOrEqual(190);
    console.log(
      `burst of 20 at 5/s: ${slack.accepted.length} messages, ${slack.refused.length} × 429, last after ${tookMs} ms`,
    );
  });

  it('a lone event to an idle destination goes out at once; the next waits for the rate', async () => {
    const slack = await startSlack({ limit: 1, windowMs: 2_500 });
    const pipeline = await slackPipeline(slack);
    pipeline.startWorker({ pacing: slackEvery(3_000) });
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { webhook_url: SLACK_URL },
      events: ['capsule.created'],
    });

    const recordedAt = Date.now();
    await burst(pipeline, team, 1);
    await waitFor(() => slack.accepted.length === 1, { timeoutMs: 5_000 });
    const firstAfter = (slack.accepted[0] as ReceivedRequest).receivedAt - recordedAt;
    // Far less than the destination's 3 s between messages: nothing waited to collect a batch.
    expect(firstAfter).toBeLessThan(1_500);

    await burst(pipeline, team, 1);
    await settled(pipeline, channel.uuid, 2, 10_000);
    expect(slack.refused).toHaveLength(0);
    expect(gaps(slack.accepted)[0]).toBeGreaterThanOrEqual(2_900);
    console.log(`idle destination: first message ${firstAfter} ms after ingest`);
  });

  it('two channels on one webhook share its rate', async () => {
    const slack = await startSlack({ limit: 1, windowMs: 180 });
    const pipeline = await slackPipeline(slack);
    pipeline.startWorker({ pacing: slackEvery(200) });
    const team = newId('team').id;
    const channels = await Promise.all(
      [0, 1].map(() =>
        pipeline.createChannel({
          teamId: team,
          provider: 'slack',
          config: { webhook_url: SLACK_URL },
          events: ['capsule.created'],
        }),
      ),
    );
    await burst(pipeline, team, 6);
    for (const channel of channels) await settled(pipeline, channel.uuid, 6);
    // Every event reached the webhook once per channel (several may share a message).
    expect(slack.capsules()).toHaveLength(12);
    expect(slack.refused).toHaveLength(0);
    for (const gap of gaps(slack.accepted)) expect(gap).toBeGreaterThanOrEqual(190);
  });
});

describe('a signed webhook without a published rate', () => {
  it("finds the endpoint's pace from its 429s instead of hitting them every second", async () => {
    // Takes 10 requests in any second and refuses the rest with Retry-After: 1.
    const accepted: number[] = [];
    let refused = 0;
    const endpoint = await startFakeServer((req, res) => {
      const recent = accepted.filter((at) => at > req.receivedAt - 1_000).length;
      if (recent >= 10) {
        refused++;
        res.writeHead(429, { 'retry-after': '1' }).end();
        return;
      }
      accepted.push(req.receivedAt);
      res.writeHead(200).end('ok');
    });
    cleanups.push(() => endpoint.close());
    const pipeline = await createPipeline({ retryDelays: [] });
    cleanups.push(() => pipeline.close());
    pipeline.startWorker();
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      config: { url: `${endpoint.origin}/hook` },
      events: ['capsule.created'],
    });
    await burst(pipeline, team, 40);
    const rows = await settled(pipeline, channel.uuid, 40);

    expect(rows.every((r) => r.status === 'succeeded' && r.failures === 0)).toBe(true);
    expect(accepted).toHaveLength(40);
    // The first second's burst meets the limit (the requests already in flight are refused);
    // after that the destination is sent at the pace it took, not into its limit again.
    expect(refused).toBeGreaterThan(0);
    expect(refused).toBeLessThanOrEqual(6);
    console.log(`webhook at 10/s: 40 delivered, ${refused} × 429`);
  });
});

describe('order on a chat channel', () => {
  it('a row still retrying holds back the rows behind it, which then follow in ingest order', async () => {
    // The first message fails twice with a 500, then everything is taken.
    const slack = await startSlack({
      limit: 100,
      script: (_req, n) => (n <= 2 ? { status: 500, body: 'internal_error' } : undefined),
    });
    const pipeline = await slackPipeline(slack, [300, 300]);
    pipeline.startWorker({ pacing: slackEvery(50) });
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { webhook_url: SLACK_URL },
      events: ['capsule.created'],
    });
    const capsules = await burst(pipeline, team, 8);
    const rows = await settled(pipeline, channel.uuid, 8);

    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    expect(slack.capsules()).toEqual(capsules);
    // Only the head was tried while it failed: nothing overtook it.
    const tried = slack.received.slice(0, 3).map((r) => r.body.match(CAPSULE_ID)?.[0]);
    expect(tried).toEqual([capsules[0], capsules[0], capsules[0]]);
    const head = rows.find((r) => r.attempts === 3);
    expect(head).toMatchObject({ failures: 2, last_status_code: 200 });
  });
});

describe('429 on a chat destination', () => {
  it('pauses every channel to it until Retry-After, and uses no attempt', async () => {
    const slack = await startSlack({
      limit: 100,
      script: (_req, n) => (n === 1 ? { status: 429, body: 'rate_limited' } : undefined),
    });
    const pipeline = await slackPipeline(slack, []);
    pipeline.startWorker({ pacing: slackEvery(50) });
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { webhook_url: SLACK_URL },
      events: ['capsule.created'],
    });
    const capsules = await burst(pipeline, team, 3);
    const rows = await settled(pipeline, channel.uuid, 3);

    // One attempt in the schedule, yet the 429 did not fail it.
    expect(rows.every((r) => r.status === 'succeeded' && r.failures === 0)).toBe(true);
    // The refused request's deliveries were tried once more; every delivery at most twice.
    expect(rows.every((r) => r.attempts === 1 || r.attempts === 2)).toBe(true);
    expect(rows.some((r) => r.attempts === 2)).toBe(true);
    expect(slack.capsules()).toEqual(capsules);
    // A header-less 429 still pauses the destination.
    const [limited, next] = slack.received;
    expect((next as ReceivedRequest).receivedAt - (limited as ReceivedRequest).receivedAt).toBeGreaterThanOrEqual(480);
  });

  it('fails a delivery held back longer than WRENN_MAX_RATE_LIMIT_WAIT', async () => {
    const slack = await startSlack({ limit: 0, retryAfter: '1' });
    const pipeline = await slackPipeline(slack, [100]);
    pipeline.startWorker({ pacing: slackEvery(50), maxRateLimitWaitMs: 2_000 });
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { webhook_url: SLACK_URL },
      events: ['capsule.created'],
    });
    const started = Date.now();
    await burst(pipeline, team, 2);
    const rows = await settled(pipeline, channel.uuid, 2, 10_000);
    const tookMs = Date.now() - started;

    for (const row of rows) {
      expect(row).toMatchObject({ status: 'failed', failures: 0, last_error: rateLimitWaitError(2_000) });
    }
    expect(rows[0]?.last_error).toContain('WRENN_MAX_RATE_LIMIT_WAIT');
    // About the limit: the 1 s pauses did not carry it far past it.
    expect(tookMs).toBeGreaterThanOrEqual(2_000);
    expect(tookMs).toBeLessThan(6_000);
    // Each request was paced by the 1 s pause, never a storm of refused requests.
    expect(slack.refused.length).toBeLessThanOrEqual(4);
  });

  it('WRENN_MAX_RATE_LIMIT_WAIT is read in s, m or h, 1 h by default', () => {
    const base = { DATABASE_URL: 'postgres://x', REDIS_URL: 'redis://x', WRENN_ENCRYPTION_KEY: '0'.repeat(64) };
    expect(loadWorkerEnv(base).WRENN_MAX_RATE_LIMIT_WAIT).toBe(3_600_000);
    expect(loadWorkerEnv({ ...base, WRENN_MAX_RATE_LIMIT_WAIT: '30m' }).WRENN_MAX_RATE_LIMIT_WAIT).toBe(1_800_000);
    expect(loadWorkerEnv({ ...base, WRENN_MAX_RATE_LIMIT_WAIT: '90s' }).WRENN_MAX_RATE_LIMIT_WAIT).toBe(90_000);
  });
});

describe('worker processes on one destination', () => {
  const workers: WorkerProcess[] = [];
  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    }
  });

  it("two worker processes share one Slack webhook's published rate", { timeout: 60_000 }, async () => {
    // Slack's own limit, a little tolerant of timing as Slack is.
    const slack = await startSlack({ limit: 1, windowMs: 900 });
    const pipeline = await slackPipeline(slack);
    const team = newId('team').id;
    const channels = await Promise.all(
      [0, 1].map(() =>
        pipeline.createChannel({
          teamId: team,
          provider: 'slack',
          config: { webhook_url: SLACK_URL },
          events: ['capsule.created'],
        }),
      ),
    );
    // One drain each at most: each channel is drained by its own process.
    const env = { WRENN_WORKER_CONCURRENCY: '1', WRENN_SLACK_API_BASE: slack.origin };
    workers.push(...(await Promise.all([spawnWorker(pipeline, env), spawnWorker(pipeline, env)])));
    await burst(pipeline, team, 4);
    for (const channel of channels) await settled(pipeline, channel.uuid, 4, 30_000);

    const counted = await Promise.all(workers.map((w) => w.attemptsCounted()));
    expect(counted.every((n) => n > 0)).toBe(true);
    expect(slack.refused).toHaveLength(0);
    expect(slack.capsules()).toHaveLength(8);
    for (const gap of gaps(slack.accepted)) expect(gap).toBeGreaterThanOrEqual(950);
    console.log(`two processes, one Slack webhook: ${counted.join(' + ')} messages, gaps ${gaps(slack.accepted)}`);
  });

  it('a worker killed during a chat drain loses nothing; a resend carries the same delivery id', {
    timeout: 60_000,
  }, async () => {
    // Slow answers, so the kill lands while a request is out.
    let requests = 0;
    const sent: Array<{ id: string; at: number }> = [];
    const slack = await startFakeServer(async (req, res) => {
      requests++;
      for (const id of new Set(req.body.match(CAPSULE_ID) ?? [])) sent.push({ id, at: req.receivedAt });
      await new Promise((r) => setTimeout(r, 600));
      res.writeHead(200).end('ok');
    });
    cleanups.push(() => slack.close());
    const pipeline = await slackPipeline(slack);
    const team = newId('team').id;
    const channel = await pipeline.createChannel({
      teamId: team,
      provider: 'slack',
      config: { webhook_url: SLACK_URL },
      events: ['capsule.created'],
    });
    const env = { WRENN_SLACK_API_BASE: slack.origin, WRENN_JOB_LOCK_MS: '1000' };
    const first = await spawnWorker(pipeline, env);
    workers.push(first);
    const capsules = await burst(pipeline, team, 5);
    // The events may travel in one combined message: kill while the first request is out.
    await waitFor(() => requests >= 1, { timeoutMs: 20_000 });
    first.child.kill('SIGKILL');
    await first.exited;
    workers.push(await spawnWorker(pipeline, env));

    const rows = await settled(pipeline, channel.uuid, 5, 40_000);
    expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
    // Everything arrived, in order; a message sent twice is the same event again.
    const firstSeen = [...new Set(sent.map((s) => s.id))];
    expect(firstSeen).toEqual(capsules);
    // The request out at the kill was sent again: some event arrived twice, under the same capsule and delivery.
    expect(requests).toBeGreaterThanOrEqual(2);
    expect(sent.length).toBeGreaterThan(firstSeen.length);
    console.log(`chat drain killed: ${requests} requests carrying ${sent.length} events for 5 deliveries`);
  });
});

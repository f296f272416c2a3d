import type { ServerResponse } from 'node:http';
import { newId } from '@wrenn/events';
import { type FakeServer, type ReceivedRequest, startFakeServer, waitFor } from '@wrenn/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A webhook endpoint that counts the requests it holds at once, answering each as `answer` says. */
async function endpoint(answer: (req: ReceivedRequest, n: number, res: ServerResponse) => Promise<void> | void) {
  let open = 0;
  let n = 0;
  /** Requests open at once, sampled at each arrival, with the arrival's number and time. */
  const concurrency: Array<{ n: number; open: number; at: number }> = [];
  const server = await startFakeServer(async (req, res) => {
    n += 1;
    open += 1;
    concurrency.push({ n, open, at: Date.now() });
    try {
      await answer(req, n, res);
    } finally {
      open -= 1;
    }
  });
  cleanups.push(() => server.close());
  const peak = (from: number, to = Number.POSITIVE_INFINITY) =>
    Math.max(0, ...concurrency.filter((c) => c.n >= from && c.n <= to).map((c) => c.open));
  /** The number of the first arrival after `after` that follows a silence of at least `gapMs`. */
  const resumedAt = (after: number, gapMs: number) =>
    concurrency.find((c, i) => c.n > after && i > 0 && c.at - (concurrency[i - 1]?.at ?? c.at) >= gapMs)?.n;
  return Object.assign(server, { peak, resumedAt });
}

async function webhookPipeline(server: FakeServer, retryDelays: number[] = []) {
  const pipeline = await createPipeline({ retryDelays });
  cleanups.push(() => pipeline.close());
  pipeline.startWorker();
  const team = newId('team').id;
  const channel = await pipeline.createChannel({
    teamId: team,
    config: { url: `${server.origin}/hook` },
    events: ['capsule.created'],
  });
  return { pipeline, team, channel };
}

async function ingest(pipeline: Pipeline, team: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 200) {
    const size = Math.min(200, count - i);
    await pipeline.audit.record(Array.from({ length: size }, () => lifecycleEntry(team, 'sandbox', 'create')));
  }
}

async function allSucceeded(pipeline: Pipeline, channelUuid: string, count: number, timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const rows = await pipeline.deliveriesOf(channelUuid);
      return rows.length === count && rows.every((r) => r.status === 'succeeded') ? rows : null;
    },
    { timeoutMs, intervalMs: 100, message: 'deliveries did not all succeed' },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the window of requests in flight to one webhook endpoint', () => {
  it('grows while the endpoint answers fast, and shrinks when it slows down', { timeout: 60_000 }, async () => {
    // Quick answers for the first 400 requests, then 300 ms each.
    const server = await endpoint(async (_req, n, res) => {
      await sleep(n <= 400 ? 3 : 300);
      res.writeHead(200).end();
    });
    const { pipeline, team, channel } = await webhookPipeline(server);
    await ingest(pipeline, team, 500);
    await allSucceeded(pipeline, channel.uuid, 500, 50_000);

    const fastPeak = server.peak(300, 400);
    const slowPeak = server.peak(450, 500);
    console.log(`window: ${server.peak(1, 20)} at first, ${fastPeak} while fast, ${slowPeak} once slow`);
    // From the first requests' two in flight, it grew while answers were quick…
    expect(server.peak(1, 20)).toBeLessThanOrEqual(5);
    expect(fastPeak).toBeGreaterThanOrEqual(8);
    // …and fell back once they took a hundred times as long.
    expect(slowPeak).toBeLessThan(fastPeak);
  });

  it('halves on 429s without headers, and every delivery still arrives without using an attempt', async () => {
    // 429 (no Retry-After) for requests 150–155: a refusal while the window is wide.
    const server = await endpoint(async (_req, n, res) => {
      await sleep(3);
      res.writeHead(n >= 150 && n <= 155 ? 429 : 200).end();
    });
    const { pipeline, team, channel } = await webhookPipeline(server);
    await ingest(pipeline, team, 400);
    const rows = await allSucceeded(pipeline, channel.uuid, 400);

    // The 429s pause the destination (500 ms at least); what was already in flight is answered
    // meanwhile. The window is measured on the requests that come after that pause.
    const resumed = server.resumedAt(150, 300);
    expect(resumed, 'no pause after the 429s').toBeDefined();
    const before = server.peak(100, 150);
    const after = server.peak(resumed ?? 0, (resumed ?? 0) + 30);
    console.log(`window around 429s without headers: ${before} before, ${after} after`);
    expect(after).toBeLessThan(before);
    expect(rows.every((r) => r.failures === 0)).toBe(true);
  });

  it("follows Retry-After and the rate-limit headers: the endpoint's pace, not its refusals", {
    timeout: 60_000,
  }, async () => {
    // Ten requests per one-second window, said in the draft standard's headers on every answer;
    // a request beyond the window is refused with Retry-After.
    let windowStart = 0;
    let used = 0;
    const server = await endpoint((req, _n, res) => {
      if (req.receivedAt - windowStart >= 1_000) {
        windowStart = req.receivedAt;
        used = 0;
      }
      const resetS = Math.max(1, Math.ceil((windowStart + 1_000 - req.receivedAt) / 1000));
      const headers = { 'ratelimit-limit': '10', 'ratelimit-reset': String(resetS) };
      if (used >= 10) {
        res.writeHead(429, { ...headers, 'ratelimit-remaining': '0', 'retry-after': String(resetS) }).end();
        return;
      }
      used += 1;
      res.writeHead(200, { ...headers, 'ratelimit-remaining': String(10 - used) }).end();
    });
    const { pipeline, team, channel } = await webhookPipeline(server);
    await ingest(pipeline, team, 40);
    await allSucceeded(pipeline, channel.uuid, 40, 40_000);

    const refused = server.tooManyRequests();
    console.log(`endpoint announcing 10 per second: 40 delivered, ${refused} × 429`);
    // The headers announced the end of each window before it was used up: few requests were refused.
    expect(refused).toBeLessThanOrEqual(6);
  });
});

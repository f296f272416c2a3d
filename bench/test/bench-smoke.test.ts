import { createTestDatabase, type TestDatabase, testRedisUrl } from '@wrenn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_429_PER_BURST } from '../src/bursts';
import { formatIsolationLine, ISOLATION_P99_TARGET_MS } from '../src/isolation';
import { type BenchScale, formatBusyEndpointLine, formatFanoutLine, runBench } from '../src/run-bench';

// A tiny run of every scenario so the benchmark cannot rot. Speed is not judged here; the shape of
// what it prints and reports, and whether each number is possible at all, are.
const SCALE: BenchScale = {
  teams: 2,
  channelsPerTeam: 5,
  events: 40,
  batch: 20,
  bareJobs: 500,
  httpPosts: 500,
  latencyRate: 50,
  latencySeconds: 2,
  busyEvents: 200,
  busyBatch: 100,
  fanoutChannels: 50,
  // Short windows keep the run short; how much arrives in them is not judged.
  bursts: { chatEvents: 3, webhookEvents: 6, chatSeconds: 3, webhookSeconds: 3 },
  // A few slow destinations, slow for a second or two, and a healthy team sending for a second.
  isolation: {
    slowTeams: 2,
    slowChannelsPerTeam: 3,
    slowEventIntervalMs: 500,
    slowAnswerMs: 1500,
    providerTimeoutMs: 1000,
    healthyChannels: 2,
    healthyIntervalMs: 100,
    healthySeconds: 1,
    warmupSeconds: 1,
    waitSeconds: 20,
  },
};

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const CPU = /\{"api":[\d.]+,"worker":[\d.]+,"bench":[\d.]+,"postgres":[\d.]+,"redis":[\d.]+,"machine":[\d.]+\}/;

/**
 * Checks a CPU-seconds record: every process measured, the service's own and the machine's never
 * negative. PostgreSQL and Redis are summed over every server of that name on the machine, and
 * other servers may exit during the run, so they are only checked to be numbers.
 */
function expectCpuSeconds(cpu: Record<string, number>): void {
  expect(Object.keys(cpu).sort()).toEqual(['api', 'bench', 'machine', 'postgres', 'redis', 'worker']);
  for (const [name, seconds] of Object.entries(cpu)) {
    expect(Number.isFinite(seconds), name).toBe(true);
    expect(seconds, name).toBeLessThan(600);
  }
  for (const name of ['api', 'worker', 'bench', 'machine']) expect(cpu[name], name).toBeGreaterThanOrEqual(0);
  expect(cpu.worker).toBeGreaterThan(0);
  // Both are read in whole clock ticks, at slightly different moments.
  expect(cpu.machine).toBeGreaterThanOrEqual((cpu.worker as number) - 0.05);
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('benchmark smoke run', () => {
  it('runs every scenario end to end and reports plausible numbers in the expected shape', async () => {
    const printed: string[] = [];
    const results = await runBench({
      databaseUrl: database.url,
      redisUrl: testRedisUrl(),
      scale: SCALE,
      workers: 1,
      useDist: false,
      log: (line) => printed.push(line),
    });

    expect(results.machine).toEqual({ cpus: expect.any(Number), node: process.version });
    expect(results.machine.cpus).toBeGreaterThanOrEqual(1);
    expect(results.scale).toEqual(SCALE);
    expect(results.workers).toBe(1);

    // A. Every event reached every channel of its team (the run waits for all of them), signed.
    const { throughput } = results;
    expect(throughput.deliveries).toBe(SCALE.events * SCALE.channelsPerTeam);
    expect(throughput.seconds).toBeGreaterThan(0);
    expect(throughput.seconds).toBeLessThan(300);
    expect(throughput.perSecond).toBeCloseTo(throughput.deliveries / throughput.seconds, 6);
    // The receiver keeps the first 20 requests; each is checked against its channel's secret.
    expect(results.signaturesVerified).toBe(20);
    expectCpuSeconds(results.cpuSecondsA as unknown as Record<string, number>);
    const work = results.serverWorkA;
    // At least the ingest and the attempt records commit; a few dozen per delivery would be a regression.
    expect(work.commitsPerDelivery).toBeGreaterThan(0);
    expect(work.commitsPerDelivery).toBeLessThan(50);
    expect(Object.keys(work.redisCallsPerDelivery).length).toBeGreaterThan(0);
    for (const [command, calls] of Object.entries(work.redisCallsPerDelivery)) {
      expect(command).toMatch(/^[a-z|]+$/);
      expect(calls, command).toBeGreaterThanOrEqual(0.05);
      expect(calls, command).toBeLessThan(100);
    }

    // B. The ceilings were measured, and the ratio is a ratio of two real rates.
    const { ceilings } = results;
    expect(ceilings.bareBullmqPerSecond).toBeGreaterThan(0);
    expect(ceilings.bareBullmqPerSecond).toBeLessThan(1_000_000);
    expect(ceilings.rawHttpPerSecond).toBeGreaterThan(0);
    expect(ceilings.rawHttpPerSecond).toBeLessThan(1_000_000);
    expect(ceilings.ratioToBullmq).toBeCloseTo(throughput.perSecond / ceilings.bareBullmqPerSecond, 6);
    expect(ceilings.ratioToBullmq).toBeGreaterThan(0);
    expect(ceilings.ratioToBullmq).toBeLessThan(10);

    // C. Every paced event arrived; percentiles are ordered and within the run.
    const { latency } = results;
    expect(latency.events).toBe(SCALE.latencyRate * SCALE.latencySeconds);
    expect(latency.p50).toBeGreaterThanOrEqual(0);
    expect(latency.p50).toBeLessThanOrEqual(latency.p95);
    expect(latency.p95).toBeLessThanOrEqual(latency.p99);
    expect(latency.p99).toBeLessThanOrEqual(latency.max);
    expect(latency.max).toBeLessThan(120_000);
    expectCpuSeconds(results.cpuSecondsC as unknown as Record<string, number>);

    // H. Every event reached the one busy channel; both rates are counts over their own spans.
    const busy = results.busyEndpoint;
    expect(busy.events).toBe(SCALE.busyEvents);
    expect(busy.arrived).toBe(SCALE.busyEvents);
    expect(busy.seconds).toBeGreaterThan(0);
    expect(busy.seconds).toBeLessThan(300);
    expect(busy.perSecond).toBeCloseTo(busy.arrived / busy.seconds, 6);
    expect(busy.ingestSeconds).toBeGreaterThan(0);
    expect(busy.ingestSeconds).toBeLessThan(300);
    expect(busy.ingestPerSecond).toBeCloseTo(busy.events / busy.ingestSeconds, 6);
    expectCpuSeconds(busy.cpuSeconds as unknown as Record<string, number>);

    // D. One event reached all channels, the last some time after it was sent.
    expect(results.fanout.channels).toBe(SCALE.fanoutChannels);
    expect(results.fanout.lastReceiptMs).toBeGreaterThan(0);
    expect(results.fanout.lastReceiptMs).toBeLessThan(60_000);
    // …and, with a filter on each channel, it still did on every run.
    expect(results.fanout.filteredLastReceiptMs).toBeGreaterThan(0);
    expect(results.fanout.runs.filtered.every((r) => r.ms > 0 && r.ms < 60_000 && r.cpuMs >= 0)).toBe(true);

    // E. Both processes were measured while they ran.
    for (const name of ['api', 'worker'] as const) {
      expect(results.peakRssMb[name], name).toBeGreaterThan(20);
      expect(results.peakRssMb[name], name).toBeLessThan(4_096);
    }

    // F. One burst per destination, then the chat ones again with one message per resource; what
    // arrived is consistent with what was sent (a board request carries at least one new event).
    expect(results.bursts.map((b) => [b.destination, b.total, b.windowSeconds])).toEqual([
      ['slack', 3, 3],
      ['discord', 3, 3],
      ['telegram', 3, 3],
      ['webhook', 6, 3],
      ['slack', 3, 3],
      ['discord', 3, 3],
      ['telegram', 3, 3],
    ]);
    expect(results.bursts.slice(4).every((b) => b.label.endsWith('one message per resource'))).toBe(true);
    for (const burst of results.bursts) {
      // An idle destination takes the first message of a burst at once.
      expect(burst.arrived, burst.label).toBeGreaterThan(0);
      expect(burst.arrived, burst.label).toBeLessThanOrEqual(burst.total);
      expect(burst.messages, burst.label).toBeGreaterThan(0);
      // A webhook request carries one event; a chat message at least one, so a burst needs no more than it has events.
      if (burst.destination === 'webhook') expect(burst.messages).toBeGreaterThanOrEqual(burst.arrived);
      else expect(burst.messages, burst.label).toBeLessThanOrEqual(burst.total);
      expect(burst.tooManyRequests, burst.label).toBeGreaterThanOrEqual(0);
      expect(burst.lastEventMs, burst.label).toBeGreaterThanOrEqual(0);
      expect(burst.lastEventMs, burst.label).toBeLessThanOrEqual(burst.windowSeconds * 1000);
      expect(burst.met).toBe(burst.arrived === burst.total && burst.tooManyRequests <= MAX_429_PER_BURST);
    }

    // I. Both runs: the healthy team's deliveries measured, every slow destination on its own origin
    // reached, the hanging ones never answered, and no connection left open afterwards.
    const iso = SCALE.isolation;
    const healthyDeliveries = ((iso.healthySeconds * 1000) / iso.healthyIntervalMs) * iso.healthyChannels;
    expect(results.isolation.map((i) => [i.run, i.slowDestinations])).toEqual([
      ['I1', iso.slowTeams * iso.slowChannelsPerTeam],
      ['I2', iso.slowTeams * iso.slowChannelsPerTeam],
    ]);
    for (const i of results.isolation) {
      const { healthy, slow } = i;
      expect(healthy.deliveries, i.run).toBe(healthyDeliveries);
      expect(healthy.arrived, i.run).toBeGreaterThan(0);
      expect(healthy.arrived, i.run).toBeLessThanOrEqual(healthy.deliveries);
      expect(healthy.p50, i.run).toBeGreaterThanOrEqual(0);
      expect(healthy.p50, i.run).toBeLessThanOrEqual(healthy.p95);
      expect(healthy.p95, i.run).toBeLessThanOrEqual(healthy.p99);
      expect(healthy.p99, i.run).toBeLessThanOrEqual(healthy.max);
      expect(healthy.max, i.run).toBeLessThan((iso.healthySeconds + iso.waitSeconds + 5) * 1000);
      // Each tick sends one event per slow team; each reaches every channel of its team.
      expect(slow.events, i.run).toBeGreaterThanOrEqual(iso.slowTeams);
      expect(slow.events % iso.slowTeams, i.run).toBe(0);
      expect(slow.destinationsReached, i.run).toBeGreaterThan(0);
      expect(slow.destinationsReached, i.run).toBeLessThanOrEqual(i.slowDestinations);
      expect(slow.requests, i.run).toBeGreaterThanOrEqual(slow.destinationsReached);
      expect(slow.answered, i.run).toBeLessThanOrEqual(slow.requests);
      expect(slow.peakOpenSockets, i.run).toBeGreaterThan(0);
      expect(slow.openSocketsAfterClose, i.run).toBe(0);
      expect(i.peakWorkerRssMb, i.run).toBeGreaterThan(20);
      expect(i.peakWorkerRssMb, i.run).toBeLessThan(4_096);
      expect(i.met, i.run).toBe(healthy.arrived === healthy.deliveries && healthy.p99 <= ISOLATION_P99_TARGET_MS);
    }
    expect(results.isolation[0]?.slowBehaviour).toBe(`answer after ${iso.slowAnswerMs / 1000} s`);
    expect(results.isolation[1]?.slowBehaviour).toBe(`never answer (${iso.providerTimeoutMs / 1000} s timeout)`);
    expect(results.isolation[1]?.slow.answered).toBe(0);

    // What it printed, line by line, says the same as what it returned.
    const r = results;
    expect(printed).toEqual([
      expect.stringMatching(/^api on http:\/\/127\.0\.0\.1:\d+, 1 worker\(s\)$/),
      `A: per delivery ${JSON.stringify(r.serverWorkA)}`,
      `A: ${r.throughput.perSecond.toFixed(0)} deliveries/s in ${r.throughput.seconds} s; CPU s: ${JSON.stringify(r.cpuSecondsA)}`,
      `B: bare BullMQ ${r.ceilings.bareBullmqPerSecond.toFixed(0)} jobs/s, raw HTTP ${r.ceilings.rawHttpPerSecond.toFixed(0)}/s`,
      `C: p50 ${r.latency.p50} ms, p95 ${r.latency.p95} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; CPU s: ${JSON.stringify(r.cpuSecondsC)}`,
      formatBusyEndpointLine(r.busyEndpoint),
      formatFanoutLine(r.fanout),
      ...r.bursts.map((b) =>
        expect.stringMatching(
          new RegExp(
            `^F: ${b.label.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${b.arrived}/${b.total} arrived, ${b.messages} messages, ${b.tooManyRequests} × 429, last event at ${NUMBER} s$`,
          ),
        ),
      ),
      ...r.isolation.map(formatIsolationLine),
    ]);
    expect(printed[2]).toMatch(new RegExp(`^A: \\d+ deliveries/s in ${NUMBER} s; CPU s: ${CPU.source}$`));
    expect(printed[4]).toMatch(
      new RegExp(`^C: p50 \\d+ ms, p95 \\d+ ms, p99 \\d+ ms, max \\d+ ms; CPU s: ${CPU.source}$`),
    );
    expect(printed[5]).toMatch(
      new RegExp(
        `^H: \\d+ deliveries/s to one channel \\(${SCALE.busyEvents}/${SCALE.busyEvents} in ${NUMBER} s\\); ingest \\d+ events/s \\(${NUMBER} s\\); CPU s: ${CPU.source}$`,
      ),
    );
    const isolationLine = (run: string, behaviour: string) =>
      new RegExp(
        `^${run}: ${iso.slowTeams * iso.slowChannelsPerTeam} destinations ${behaviour.replace(/[()]/g, '\\$&')}: ` +
          `healthy p50 \\d+ ms, p95 \\d+ ms, p99 \\d+ ms, max \\d+ ms \\(\\d+/${healthyDeliveries} arrived(?:; [^)]+)?\\); ` +
          `slow: \\d+ events, \\d+ requests to \\d+ destinations, \\d+ answered, peak \\d+ connections, 0 left open; ` +
          `worker peak RSS \\d+ MB$`,
      );
    expect(printed.at(-2)).toMatch(isolationLine('I1', `answer after ${iso.slowAnswerMs / 1000} s`));
    expect(printed.at(-1)).toMatch(isolationLine('I2', `never answer (${iso.providerTimeoutMs / 1000} s timeout)`));
  });
});

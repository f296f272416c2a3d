import { createTestDatabase, type TestDatabase, testRedisUrl } from '@wrenn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench } from '../src/run-bench';

// A tiny run of every scenario so the benchmark cannot rot; the numbers are not judged here.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('benchmark smoke run', () => {
  it('runs every scenario end to end with a few hundred deliveries and four tiny bursts', async () => {
    const results = await runBench({
      databaseUrl: database.url,
      redisUrl: testRedisUrl(),
      scale: {
        teams: 2,
        channelsPerTeam: 5,
        events: 40,
        batch: 20,
        bareJobs: 500,
        httpPosts: 500,
        latencyRate: 50,
        latencySeconds: 2,
        fanoutChannels: 50,
        // Short windows keep the run short; what arrives in them is not judged.
        bursts: { chatEvents: 3, webhookEvents: 6, chatSeconds: 3, webhookSeconds: 3 },
      },
      workers: 1,
      useDist: false,
      log: () => {},
    });
    expect(results.throughput.deliveries).toBe(200);
    expect(results.throughput.perSecond).toBeGreaterThan(0);
    expect(results.ceilings.bareBullmqPerSecond).toBeGreaterThan(0);
    expect(results.ceilings.rawHttpPerSecond).toBeGreaterThan(0);
    expect(results.latency.events).toBe(100);
    expect(results.latency.p99).toBeGreaterThanOrEqual(results.latency.p50);
    expect(results.fanout.channels).toBe(50);
    expect(results.signaturesVerified).toBeGreaterThan(0);
    expect(results.peakRssMb.worker).toBeGreaterThan(0);
    expect(results.bursts.map((b) => [b.destination, b.total])).toEqual([
      ['slack', 3],
      ['discord', 3],
      ['telegram', 3],
      ['webhook', 6],
    ]);
    // An idle destination takes the first message of a burst at once.
    for (const burst of results.bursts) {
      expect(burst.arrived).toBeGreaterThan(0);
      expect(burst.messages).toBeGreaterThan(0);
    }
  });
});

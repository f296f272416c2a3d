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
  it('runs every scenario end to end with a few hundred deliveries', async () => {
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
  });
});

import { newId } from '@wrenn/events';
import { peakRssMb } from './processes';
import { startReceiver } from './receiver';
import { type Service, type ServiceTarget, sandboxCreate, startService } from './service';
import { type SlowCounts, startSlowReceiver } from './slow-receiver';

export interface IsolationScale {
  /** Slow destinations: teams × channels per team, each channel on an origin of its own. */
  slowTeams: number;
  slowChannelsPerTeam: number;
  /** Every slow team gets one event this often, so every slow channel always has deliveries waiting. */
  slowEventIntervalMs: number;
  /** I1: how long a slow endpoint takes to answer. */
  slowAnswerMs: number;
  /** I2: the worker's provider timeout (`WRENN_PROVIDER_TIMEOUT`), which ends each hanging request. */
  providerTimeoutMs: number;
  /** The healthy team's channels; each of its events goes to all of them. */
  healthyChannels: number;
  healthyIntervalMs: number;
  /** How long the healthy team sends, after the slow load has run for `warmupSeconds`. */
  healthySeconds: number;
  warmupSeconds: number;
  /** How long to wait, after the last healthy event, for the rest of its deliveries. */
  waitSeconds: number;
}

/** 1,000 slow destinations (10 teams × 100), a healthy team of 5 channels sending every 100 ms for 30 s. */
export const FULL_ISOLATION: IsolationScale = {
  slowTeams: 10,
  slowChannelsPerTeam: 100,
  slowEventIntervalMs: 1000,
  slowAnswerMs: 8000,
  providerTimeoutMs: 10_000,
  healthyChannels: 5,
  healthyIntervalMs: 100,
  healthySeconds: 30,
  warmupSeconds: 3,
  waitSeconds: 60,
};

/** The healthy team's latency target while the others are slow. */
export const ISOLATION_P99_TARGET_MS = 1000;
/** The worker's memory target during I. */
export const ISOLATION_WORKER_RSS_TARGET_MB = 300;

export type IsolationRunName = 'I1' | 'I2';

export interface IsolationRun {
  run: IsolationRunName;
  /** "answer after 8 s" or "never answer (10 s timeout)". */
  slowBehaviour: string;
  slowDestinations: number;
  /** The healthy team's deliveries, from its ingest request to the receipt. */
  healthy: {
    /** Deliveries expected (events × channels) and those that arrived within the wait. */
    deliveries: number;
    arrived: number;
    /** Milliseconds; a delivery that never arrived counts with the time it had waited (a lower bound). */
    p50: number;
    p95: number;
    p99: number;
    max: number;
  };
  slow: SlowCounts & {
    /** Events sent to the slow teams during the run. */
    events: number;
    /** Connections the receiver still held when the run ended; it closes them all. */
    socketsClosedAtEnd: number;
    openSocketsAfterClose: number;
  };
  /** Peak RSS of the worker process(es) during this run, read before they stop (target E). */
  peakWorkerRssMb: number | null;
  /** Every healthy delivery arrived, p99 within the target. */
  met: boolean;
}

export interface IsolationOptions extends ServiceTarget {
  scale: IsolationScale;
  log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

/**
 * Scenario I: a healthy team's events while many other channels' endpoints are slow (I1: they
 * answer after 8 s) or hang (I2: they never answer; the worker's timeout ends each request).
 * Every slow channel has an origin of its own and an event every second for the whole run. Each
 * run has fresh API and worker processes, and deletes its channels (with their backlog) before
 * they stop, so nothing it leaves behind slows a later scenario.
 */
export async function runIsolation(options: IsolationOptions, run: IsolationRunName): Promise<IsolationRun> {
  const { scale, log } = options;
  const behaviour =
    run === 'I1' ? { kind: 'slow' as const, answerAfterMs: scale.slowAnswerMs } : { kind: 'hang' as const };
  const slowBehaviour =
    run === 'I1'
      ? `answer after ${scale.slowAnswerMs / 1000} s`
      : `never answer (${scale.providerTimeoutMs / 1000} s timeout)`;
  const healthyReceiver = await startReceiver();
  const slowReceiver = await startSlowReceiver(behaviour);
  let service: Service | undefined;
  let closed: { socketsDestroyed: number; openSocketsAfter: number } | undefined;
  try {
    const svc = await startService(options, {
      maxChannelsPerTeam: Math.max(100, scale.slowChannelsPerTeam, scale.healthyChannels),
      extraEnv: { WRENN_PROVIDER_TIMEOUT: `${scale.providerTimeoutMs}ms` },
    });
    service = svc;

    const healthyTeam = newId('team').id;
    const healthyChannels: Array<{ teamId: string; id: string }> = [];
    for (let k = 0; k < scale.healthyChannels; k++) {
      const { id } = await svc.createChannel(healthyTeam, {
        name: `healthy-${k}`,
        provider: 'webhook',
        config: { url: `${healthyReceiver.origin}/hook/healthy/${k}` },
        events: ['capsule.created'],
      });
      healthyChannels.push({ teamId: healthyTeam, id });
    }
    const slowTeams = Array.from({ length: scale.slowTeams }, () => newId('team').id);
    const slowChannels: Array<{ teamId: string; id: string }> = [];
    const block = run === 'I1' ? 1 : 2;
    await mapLimit(
      Array.from({ length: scale.slowTeams * scale.slowChannelsPerTeam }, (_, i) => i),
      8,
      async (i) => {
        const teamId = slowTeams[Math.floor(i / scale.slowChannelsPerTeam)] as string;
        const { id } = await svc.createChannel(teamId, {
          name: `slow-${i}`,
          provider: 'webhook',
          config: { url: slowReceiver.url(block, i) },
          events: ['capsule.created'],
        });
        slowChannels.push({ teamId, id });
      },
    );

    // The slow load: one event to every slow team each interval, until the measurement ends.
    let slowEvents = 0;
    let slowLoadRunning = true;
    const slowIngests: Array<Promise<void>> = [];
    const slowLoad = (async () => {
      const start = performance.now();
      for (let tick = 0; slowLoadRunning; tick++) {
        const wait = start + tick * scale.slowEventIntervalMs - performance.now();
        if (wait > 1) await sleep(wait);
        if (!slowLoadRunning) break;
        for (const teamId of slowTeams) {
          slowIngests.push(svc.ingest([sandboxCreate(teamId, -1)]));
          slowEvents++;
        }
      }
    })();
    await sleep(scale.warmupSeconds * 1000);

    // The healthy team: one event every interval, each to all of its channels.
    healthyReceiver.reset();
    const events = Math.round((scale.healthySeconds * 1000) / scale.healthyIntervalMs);
    const expected = events * scale.healthyChannels;
    const sentAt = new Map<number, number>();
    const healthyIngests: Array<Promise<void>> = [];
    const startI = performance.now();
    for (let seq = 0; seq < events; seq++) {
      const wait = startI + seq * scale.healthyIntervalMs - performance.now();
      if (wait > 1) await sleep(wait);
      sentAt.set(seq, Date.now());
      healthyIngests.push(svc.ingest([sandboxCreate(healthyTeam, seq)]));
    }
    await Promise.all(healthyIngests);
    const arrivedInTime = await healthyReceiver.waitFor(expected, scale.waitSeconds * 1000).then(
      () => true,
      () => false,
    );
    const waitEnd = Date.now();
    slowLoadRunning = false;
    await slowLoad;
    await Promise.all(slowIngests);
    const slowCounts = slowReceiver.counts();
    const workerPeaks = svc.workers.map((w) => peakRssMb(w.pid)).filter((v): v is number => v !== null);
    const peakWorkerRssMb = workerPeaks.length ? Math.max(...workerPeaks) : null;

    // First receipt per delivery (at least once: a redelivery does not count twice).
    const firstAt = new Map<string, { seq: number; at: number }>();
    for (const r of healthyReceiver.receipts) if (!firstAt.has(r.deliveryId)) firstAt.set(r.deliveryId, r);
    const latencies = [...firstAt.values()].map((r) => r.at - (sentAt.get(r.seq) ?? r.at));
    const arrived = Math.min(expected, latencies.length);
    if (!arrivedInTime) {
      // The missing ones had waited at least this long; the oldest events are the likeliest missing.
      const waited = [...sentAt.values()].map((t) => waitEnd - t).sort((a, b) => b - a);
      for (let k = 0; k < expected - arrived; k++) latencies.push(waited[Math.floor(k / scale.healthyChannels)] ?? 0);
    }
    latencies.sort((a, b) => a - b);
    const healthy = {
      deliveries: expected,
      arrived,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    };

    // Deliveries still pending would otherwise reach the next processes, which hold other keys.
    await mapLimit([...healthyChannels, ...slowChannels], 8, (c) => svc.deleteChannel(c.teamId, c.id));
    await svc.stop();
    service = undefined;
    closed = await slowReceiver.close();
    const result: IsolationRun = {
      run,
      slowBehaviour,
      slowDestinations: slowChannels.length,
      healthy,
      slow: {
        ...slowCounts,
        events: slowEvents,
        socketsClosedAtEnd: closed.socketsDestroyed,
        openSocketsAfterClose: closed.openSocketsAfter,
      },
      peakWorkerRssMb,
      met: arrived === expected && healthy.p99 <= ISOLATION_P99_TARGET_MS,
    };
    log(formatIsolationLine(result));
    return result;
  } finally {
    await service?.stop();
    if (!closed) await slowReceiver.close();
    await healthyReceiver.close();
  }
}

/** The line each run logs; the smoke test checks it against the returned numbers. */
export function formatIsolationLine(r: IsolationRun): string {
  const h = r.healthy;
  const s = r.slow;
  return (
    `${r.run}: ${r.slowDestinations} destinations ${r.slowBehaviour}: healthy p50 ${h.p50} ms, p95 ${h.p95} ms, ` +
    `p99 ${h.p99} ms, max ${h.max} ms (${h.arrived}/${h.deliveries} arrived` +
    `${h.arrived < h.deliveries ? '; the rest counted at what they had waited: lower bounds' : ''}); slow: ${s.events} events, ` +
    `${s.requests} requests to ${s.destinationsReached} destinations, ${s.answered} answered, ` +
    `peak ${s.peakOpenSockets} connections, ${s.openSocketsAfterClose} left open; worker peak RSS ${r.peakWorkerRssMb} MB`
  );
}

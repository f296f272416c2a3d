import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newId } from '@wrenn/events';
import { Redis } from 'ioredis';
import { type BurstResult, type BurstScale, FULL_BURSTS, runBursts } from './bursts';
import { FULL_ISOLATION, type IsolationRun, type IsolationScale, runIsolation } from './isolation';
import { cpuMs, cpuMsByName, jsonLines, peakRssMb, startNode, stop } from './processes';
import { type Receiver, startReceiver } from './receiver';
import { type Service, type ServiceTarget, sandboxCreate, startService } from './service';

export interface BenchScale {
  /** A: teams × channels per team, all subscribed to capsule.created. */
  teams: number;
  channelsPerTeam: number;
  /** A: events ingested, in batches. */
  events: number;
  batch: number;
  /** B: no-op jobs for bare BullMQ and POSTs for raw HTTP. */
  bareJobs: number;
  httpPosts: number;
  /** C: events per second and for how long, all to one channel. */
  latencyRate: number;
  latencySeconds: number;
  /** H: events to one channel, ingested in batches (the ingest route takes up to 500 entries). */
  busyEvents: number;
  busyBatch: number;
  /** D: channels of one team receiving one event. */
  fanoutChannels: number;
  /** F: the size of each burst and how long it may take. */
  bursts: BurstScale;
  /** I: slow and hanging destinations beside a healthy team. */
  isolation: IsolationScale;
}

export const FULL_SCALE: BenchScale = {
  teams: 20,
  channelsPerTeam: 5,
  events: 4000,
  batch: 100,
  bareJobs: 20_000,
  httpPosts: 20_000,
  latencyRate: 200,
  latencySeconds: 20,
  busyEvents: 20_000,
  busyBatch: 500,
  fanoutChannels: 1000,
  bursts: FULL_BURSTS,
  isolation: FULL_ISOLATION,
};

/** Scenarios that can run alone (`BENCH_ONLY`); E is read from whichever processes ran, G lives in main.ts. */
export type Scenario = 'A' | 'B' | 'C' | 'D' | 'F' | 'H' | 'I1' | 'I2';
export const ALL_SCENARIOS: readonly Scenario[] = ['A', 'B', 'C', 'H', 'D', 'F', 'I1', 'I2'];

/** H: deliveries per second to one busy channel, and how fast the load was ingested (which side limited it). */
export interface BusyEndpointResult {
  events: number;
  /** Distinct deliveries that arrived (all of them unless the wait ran out). */
  arrived: number;
  /** From the first ingest request to the last receipt. */
  seconds: number;
  perSecond: number;
  /** From the first ingest request to the last ingest answer. */
  ingestSeconds: number;
  ingestPerSecond: number;
  cpuSeconds: CpuSeconds;
}

/** H's target: deliveries per second to one webhook endpoint that answers at once. */
export const BUSY_ENDPOINT_TARGET_PER_SECOND = 2000;

export interface BenchOptions extends ServiceTarget {
  scale: BenchScale;
  log: (line: string) => void;
}

export interface BenchResults {
  machine: { cpus: number; node: string };
  scale: BenchScale;
  workers: number;
  throughput: { deliveries: number; seconds: number; perSecond: number };
  ceilings: { bareBullmqPerSecond: number; rawHttpPerSecond: number; ratioToBullmq: number };
  latency: { events: number; p50: number; p95: number; p99: number; max: number };
  busyEndpoint: BusyEndpointResult;
  /** D: medians of alternating runs without and with a filter on every channel (ms to the last receipt, worker CPU ms); each run. */
  fanout: {
    channels: number;
    lastReceiptMs: number;
    filteredLastReceiptMs: number;
    workerCpuMs: number;
    filteredWorkerCpuMs: number;
    runs: { plain: FanoutRun[]; filtered: FanoutRun[] };
  };
  peakRssMb: { api: number | null; worker: number | null };
  /** CPU seconds used during A and during C: where the time goes. */
  cpuSecondsA: CpuSeconds;
  cpuSecondsC: CpuSeconds;
  /** PostgreSQL commits and Redis commands per delivery during A. */
  serverWorkA: { commitsPerDelivery: number; redisCallsPerDelivery: Record<string, number> };
  signaturesVerified: number;
  /** F: bursts to rate-limited destinations. */
  bursts: BurstResult[];
  /** I: I1 (slow destinations) and I2 (hanging destinations), each on fresh processes. */
  isolation: IsolationRun[];
}

/** What a run of some of the scenarios returns: the parts of `BenchResults` it measured. */
export type BenchRun = Pick<BenchResults, 'machine' | 'scale' | 'workers'> &
  Partial<Omit<BenchResults, 'machine' | 'scale' | 'workers'>>;

/** CPU seconds per process; machine = every process (other tenants included) and the kernel. */
export interface CpuSeconds {
  api: number;
  worker: number;
  bench: number;
  postgres: number;
  redis: number;
  machine: number;
}

/** Transactions committed in the database and commands Redis has run, for per-delivery costs. */
async function serverCounters(
  databaseUrl: string,
  redisUrl: string,
): Promise<{ commits: number; redisCalls: Record<string, number> }> {
  const commits = Number(
    execFileSync(
      'psql',
      [databaseUrl, '-qAtc', 'SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()'],
      { encoding: 'utf8' },
    ).trim(),
  );
  const redis = new Redis(redisUrl);
  const info = await redis.info('commandstats');
  redis.disconnect();
  const redisCalls: Record<string, number> = {};
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    redisCalls[match[1] as string] = Number(match[2]);
  return { commits, redisCalls };
}

/** Busy CPU time of the whole machine so far (every CPU), in milliseconds. */
function machineCpuMs(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1000) / 100;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i] as T, i);
      }
    }),
  );
}

/** D's filter: true for the bench's host.down, after the string, `in` and has() work a real filter does. */
const D_FILTER =
  'event.actor.type == "system" && event.resource.type in ["host", "sandbox"] && event.event.startsWith("host.") && !has(event.metadata.template)';
/** D's runs of each kind. */
const D_RUNS = 5;

/** One run of D: ms until the last receipt, and the workers' CPU ms. */
export interface FanoutRun {
  ms: number;
  cpuMs: number;
}

/** D's log line. */
export function formatFanoutLine(f: BenchResults['fanout']): string {
  return `D: ${f.lastReceiptMs} ms until the last of ${f.channels} receipts, ${f.filteredLastReceiptMs} ms with a filter on each channel; worker CPU ${f.workerCpuMs} ms and ${f.filteredWorkerCpuMs} ms (medians of ${D_RUNS}: ${JSON.stringify(f.runs)})`;
}

/** Runs every scenario of the benchmark against real processes and returns the numbers. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const run = await runScenarios(options, new Set(ALL_SCENARIOS));
  const { throughput, ceilings, latency, busyEndpoint, fanout, peakRssMb, bursts, isolation } = run;
  const { cpuSecondsA, cpuSecondsC, serverWorkA, signaturesVerified } = run;
  if (
    !throughput ||
    !ceilings ||
    !latency ||
    !busyEndpoint ||
    !fanout ||
    !peakRssMb ||
    !bursts ||
    !isolation ||
    !cpuSecondsA ||
    !cpuSecondsC ||
    !serverWorkA ||
    signaturesVerified === undefined
  ) {
    throw new Error('a scenario of the full run returned nothing');
  }
  return {
    ...run,
    throughput,
    ceilings,
    latency,
    busyEndpoint,
    fanout,
    peakRssMb,
    cpuSecondsA,
    cpuSecondsC,
    serverWorkA,
    signaturesVerified,
    bursts,
    isolation,
  };
}

/** Runs the chosen scenarios (A also measures B, its yardstick) and returns what they measured. */
export async function runScenarios(options: BenchOptions, only: ReadonlySet<Scenario>): Promise<BenchRun> {
  const { scale } = options;
  const run: BenchRun = {
    machine: { cpus: (await import('node:os')).availableParallelism(), node: process.version },
    scale,
    workers: options.workers,
  };
  if (['A', 'B', 'C', 'D', 'H'].some((s) => only.has(s as Scenario))) await runOnOneService(options, only, run);
  // F. Bursts to rate-limited destinations, on fresh processes pointed at the providers' fakes.
  if (only.has('F')) {
    run.bursts = [
      ...(await runBursts({ ...options, bursts: scale.bursts, style: 'each' })),
      ...(await runBursts({ ...options, bursts: scale.bursts, style: 'resource' })),
    ];
  }
  // I. Isolation, each run on fresh processes: slow destinations (I1), then hanging ones (I2).
  const isolationRuns = (['I1', 'I2'] as const).filter((name) => only.has(name));
  if (isolationRuns.length > 0) {
    run.isolation = [];
    for (const name of isolationRuns) {
      run.isolation.push(await runIsolation({ ...options, scale: scale.isolation }, name));
    }
  }
  return run;
}

/** A, B, C, H, D and E on one API, its worker(s) and one loopback receiver. */
async function runOnOneService(options: BenchOptions, only: ReadonlySet<Scenario>, run: BenchRun): Promise<void> {
  const { scale, log } = options;
  const receiver = await startReceiver();
  let service: Service | undefined;
  try {
    service = await startService(options, { maxChannelsPerTeam: Math.max(100, scale.fanoutChannels) });
    const { api, workers, env, ingest } = service;
    const createChannel = service.createChannel;
    const cpuSince = (before: CpuSeconds): CpuSeconds => {
      const now = cpuSnapshot();
      const round = (n: number) => Math.round(n * 100) / 100;
      return {
        api: round(now.api - before.api),
        worker: round(now.worker - before.worker),
        bench: round(now.bench - before.bench),
        postgres: round(now.postgres - before.postgres),
        redis: round(now.redis - before.redis),
        machine: round(now.machine - before.machine),
      };
    };
    const cpuSnapshot = (): CpuSeconds => {
      const own = process.cpuUsage();
      return {
        api: (cpuMs(api.pid) ?? 0) / 1000,
        worker: workers.reduce((sum, w) => sum + (cpuMs(w.pid) ?? 0), 0) / 1000,
        bench: (own.user + own.system) / 1e6,
        postgres: cpuMsByName('postgres') / 1000,
        redis: cpuMsByName('redis-server') / 1000,
        machine: machineCpuMs() / 1000,
      };
    };
    log(`api on ${service.base}, ${options.workers} worker(s)`);

    const secretsByPath = new Map<string, string>();
    async function createChannels(
      teamId: string,
      count: number,
      events: string[],
      tag: string,
      filter?: string,
    ): Promise<void> {
      await mapLimit(
        Array.from({ length: count }, (_, i) => i),
        8,
        async (i) => {
          const path = `/hook/${tag}/${i}`;
          const body = await createChannel(teamId, {
            name: `${tag}-${i}`,
            provider: 'webhook',
            config: { url: receiver.origin + path },
            events,
            ...(filter ? { filter } : {}),
          });
          if (body.secret) secretsByPath.set(path, body.secret);
        },
      );
    }

    // A. Throughput.
    if (only.has('A')) {
      const teams = Array.from({ length: scale.teams }, () => newId('team').id);
      await mapLimit(teams, 2, (team, i) => createChannels(team, scale.channelsPerTeam, ['capsule.created'], `a${i}`));
      const expected = scale.events * scale.channelsPerTeam;
      receiver.reset();
      const batches = Array.from({ length: Math.ceil(scale.events / scale.batch) }, (_, b) =>
        Array.from({ length: Math.min(scale.batch, scale.events - b * scale.batch) }, (_, k) => {
          const seq = b * scale.batch + k;
          return sandboxCreate(teams[seq % teams.length] as string, seq);
        }),
      );
      const countersBefore = await serverCounters(options.databaseUrl, options.redisUrl);
      const cpuBefore = cpuSnapshot();
      const startA = Date.now();
      await mapLimit(batches, 4, (batch) => ingest(batch));
      await receiver.waitFor(expected, 300_000);
      const cpuSecondsA = cpuSince(cpuBefore);
      const endA = Math.max(...receiver.receipts.map((r) => r.at));
      const throughput = {
        deliveries: expected,
        seconds: (endA - startA) / 1000,
        perSecond: expected / ((endA - startA) / 1000),
      };
      const countersAfter = await serverCounters(options.databaseUrl, options.redisUrl);
      const perDelivery = (n: number) => Math.round((n / expected) * 100) / 100;
      const redisPerDelivery = Object.fromEntries(
        Object.entries(countersAfter.redisCalls)
          .map(([cmd, calls]) => [cmd, perDelivery(calls - (countersBefore.redisCalls[cmd] ?? 0))] as const)
          .filter(([, n]) => n >= 0.05)
          .sort((a, b) => b[1] - a[1]),
      );
      const serverWorkA = {
        commitsPerDelivery: perDelivery(countersAfter.commits - countersBefore.commits),
        redisCallsPerDelivery: redisPerDelivery,
      };
      log(`A: per delivery ${JSON.stringify(serverWorkA)}`);
      run.signaturesVerified = verifySamples(receiver, secretsByPath);
      log(
        `A: ${throughput.perSecond.toFixed(0)} deliveries/s in ${throughput.seconds} s; CPU s: ${JSON.stringify(cpuSecondsA)}`,
      );
      Object.assign(run, { throughput, cpuSecondsA, serverWorkA });
    }

    // B. Ceilings on the same machine, with the service idle.
    if (only.has('B') || only.has('A')) {
      const bareBullmqPerSecond = await bareBullmq(env, scale.bareJobs);
      receiver.reset();
      const client = startNode('bench/src/ceilings/http-client.ts', env, {
        args: [`${receiver.origin}/raw`, String(scale.httpPosts)],
        readStdout: true,
      });
      const httpResult = (await jsonLines(client).next()).value as { perSecond: number } | undefined;
      run.ceilings = {
        bareBullmqPerSecond,
        rawHttpPerSecond: httpResult?.perSecond ?? Number.NaN,
        ratioToBullmq: (run.throughput?.perSecond ?? Number.NaN) / bareBullmqPerSecond,
      };
      log(
        `B: bare BullMQ ${bareBullmqPerSecond.toFixed(0)} jobs/s, raw HTTP ${run.ceilings.rawHttpPerSecond.toFixed(0)}/s`,
      );
    }

    // C. Latency under a steady rate, every event to one channel.
    if (only.has('C')) {
      const latencyTeam = newId('team').id;
      await createChannels(latencyTeam, 1, ['capsule.created'], 'c');
      receiver.reset();
      const total = scale.latencyRate * scale.latencySeconds;
      const sentAt = new Map<number, number>();
      const interval = 1000 / scale.latencyRate;
      const cpuBeforeC = cpuSnapshot();
      const startC = performance.now();
      const inflight: Array<Promise<void>> = [];
      for (let seq = 0; seq < total; seq++) {
        const due = startC + seq * interval;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        sentAt.set(seq, Date.now());
        inflight.push(ingest([sandboxCreate(latencyTeam, seq)]));
      }
      await Promise.all(inflight);
      await receiver.waitFor(total, 120_000);
      const latencies = receiver.receipts.map((r) => r.at - (sentAt.get(r.seq) ?? r.at)).sort((a, b) => a - b);
      const latency = {
        events: total,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
      };
      const cpuSecondsC = cpuSince(cpuBeforeC);
      log(
        `C: p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms, max ${latency.max} ms; CPU s: ${JSON.stringify(cpuSecondsC)}`,
      );
      Object.assign(run, { latency, cpuSecondsC });
    }

    // H. A busy endpoint: every event to one channel whose endpoint answers at once.
    if (only.has('H')) {
      const busyTeam = newId('team').id;
      await createChannels(busyTeam, 1, ['capsule.created'], 'h');
      receiver.reset();
      const batches = Array.from({ length: Math.ceil(scale.busyEvents / scale.busyBatch) }, (_, b) =>
        Array.from({ length: Math.min(scale.busyBatch, scale.busyEvents - b * scale.busyBatch) }, (_, k) =>
          sandboxCreate(busyTeam, b * scale.busyBatch + k),
        ),
      );
      const cpuBeforeH = cpuSnapshot();
      const startH = Date.now();
      let ingestEnd = startH;
      await mapLimit(batches, 4, async (batch) => {
        await ingest(batch);
        ingestEnd = Date.now();
      });
      // At today's pace this can take minutes; a wait that runs out still reports what arrived.
      await receiver.waitFor(scale.busyEvents, 300_000).catch(() => undefined);
      const cpuSeconds = cpuSince(cpuBeforeH);
      const arrived = new Set(receiver.receipts.map((r) => r.deliveryId)).size;
      const endH = Math.max(startH + 1, ...receiver.receipts.map((r) => r.at));
      const busyEndpoint: BusyEndpointResult = {
        events: scale.busyEvents,
        arrived,
        seconds: (endH - startH) / 1000,
        perSecond: arrived / ((endH - startH) / 1000),
        ingestSeconds: Math.max(1, ingestEnd - startH) / 1000,
        ingestPerSecond: scale.busyEvents / (Math.max(1, ingestEnd - startH) / 1000),
        cpuSeconds,
      };
      run.busyEndpoint = busyEndpoint;
      log(formatBusyEndpointLine(busyEndpoint));
    }

    // D. Fan-out of one event to many channels of one team, then to as many channels that each
    // have a filter (a CEL program run per channel at fan-out). Alternating runs, medians compared.
    if (only.has('D')) {
      const fanoutTeams = { plain: newId('team').id, filtered: newId('team').id };
      await createChannels(fanoutTeams.plain, scale.fanoutChannels, ['host.down'], 'd');
      await createChannels(fanoutTeams.filtered, scale.fanoutChannels, ['host.down'], 'df', D_FILTER);
      // Per run: ms until the last receipt, and the workers' CPU ms (other tenants of the machine do not count there).
      const workerCpuMs = () => workers.reduce((sum, w) => sum + (cpuMs(w.pid) ?? 0), 0);
      const fanoutRun = async (team: string): Promise<FanoutRun> => {
        receiver.reset();
        const startD = Date.now();
        const cpuBefore = workerCpuMs();
        await ingest([
          {
            team_id: team,
            actor: { type: 'system' },
            resource_type: 'host',
            resource_id: newId('host').id,
            action: 'marked_down',
          },
        ]);
        await receiver.waitFor(scale.fanoutChannels, 60_000);
        return { ms: Math.max(...receiver.receipts.map((r) => r.at)) - startD, cpuMs: workerCpuMs() - cpuBefore };
      };
      const runs = { plain: [] as FanoutRun[], filtered: [] as FanoutRun[] };
      for (let i = 0; i < D_RUNS; i++) {
        runs.plain.push(await fanoutRun(fanoutTeams.plain));
        runs.filtered.push(await fanoutRun(fanoutTeams.filtered));
      }
      const median = (values: number[]) =>
        percentile(
          [...values].sort((a, b) => a - b),
          50,
        );
      run.fanout = {
        channels: scale.fanoutChannels,
        lastReceiptMs: median(runs.plain.map((r) => r.ms)),
        filteredLastReceiptMs: median(runs.filtered.map((r) => r.ms)),
        workerCpuMs: median(runs.plain.map((r) => r.cpuMs)),
        filteredWorkerCpuMs: median(runs.filtered.map((r) => r.cpuMs)),
        runs,
      };
      log(formatFanoutLine(run.fanout));
    }

    // E. Peak memory, read before the processes exit.
    const workerPeaks = workers.map((w) => peakRssMb(w.pid)).filter((v): v is number => v !== null);
    run.peakRssMb = { api: peakRssMb(api.pid), worker: workerPeaks.length ? Math.max(...workerPeaks) : null };
    await service.stop();
    service = undefined;
  } finally {
    await service?.stop();
    await receiver.close();
  }
}

/** The line H logs; the smoke test checks it against the returned numbers. */
export function formatBusyEndpointLine(h: BusyEndpointResult): string {
  return (
    `H: ${h.perSecond.toFixed(0)} deliveries/s to one channel (${h.arrived}/${h.events} in ${h.seconds} s); ` +
    `ingest ${h.ingestPerSecond.toFixed(0)} events/s (${h.ingestSeconds} s); CPU s: ${JSON.stringify(h.cpuSeconds)}`
  );
}

/** Checks the Standard Webhooks signature of the sampled requests with the channels' secrets. */
function verifySamples(receiver: Receiver, secrets: Map<string, string>): number {
  let verified = 0;
  for (const sample of receiver.samples) {
    const secret = secrets.get(sample.path);
    if (!secret) continue;
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const signed = `${sample.headers['webhook-id']}.${sample.headers['webhook-timestamp']}.${sample.body}`;
    const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
    if (sample.headers['webhook-signature']?.split(' ').includes(expected)) verified++;
    else throw new Error(`bad signature on a delivery to ${sample.path}`);
  }
  return verified;
}

/** Bare BullMQ: a producer process and a worker process, no-op jobs; jobs per second. */
async function bareBullmq(env: NodeJS.ProcessEnv, count: number): Promise<number> {
  const queue = `bare${randomBytes(3).toString('hex')}`;
  const worker = startNode('bench/src/ceilings/bullmq-worker.ts', env, {
    args: [queue, String(count)],
    readStdout: true,
  });
  const workerLines = jsonLines(worker);
  await workerLines.next();
  const producer = startNode('bench/src/ceilings/bullmq-producer.ts', env, {
    args: [queue, String(count)],
    readStdout: true,
  });
  const started = (await jsonLines(producer).next()).value as { startedAt: number };
  const finished = (await workerLines.next()).value as { finishedAt: number };
  await Promise.all([stop(producer), stop(worker)]);
  return count / ((finished.finishedAt - started.startedAt) / 1000);
}

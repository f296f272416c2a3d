import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { newId } from '@wrenn/events';
import { Redis } from 'ioredis';
import { type BurstResult, type BurstScale, FULL_BURSTS, runBursts } from './bursts';
import { cpuMs, cpuMsByName, jsonLines, peakRssMb, startNode, stop } from './processes';
import { type Receiver, startReceiver } from './receiver';
import { type Service, sandboxCreate, startService } from './service';

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
  /** C: events per second and for how long, one channel each. */
  latencyRate: number;
  latencySeconds: number;
  /** D: channels of one team receiving one event. */
  fanoutChannels: number;
  /** F: the size of each burst and how long it may take. */
  bursts: BurstScale;
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
  fanoutChannels: 1000,
  bursts: FULL_BURSTS,
};

export interface BenchOptions {
  databaseUrl: string;
  redisUrl: string;
  scale: BenchScale;
  workers: number;
  /** Run the built `dist/` bundles (what operators run) instead of the sources through tsx. */
  useDist: boolean;
  /** When set, the API and workers write V8 CPU profiles (`--cpu-prof`) here on exit. */
  profileDir?: string | undefined;
  log: (line: string) => void;
}

export interface BenchResults {
  machine: { cpus: number; node: string };
  scale: BenchScale;
  workers: number;
  throughput: { deliveries: number; seconds: number; perSecond: number };
  ceilings: { bareBullmqPerSecond: number; rawHttpPerSecond: number; ratioToBullmq: number };
  latency: { events: number; p50: number; p95: number; p99: number; max: number };
  fanout: { channels: number; lastReceiptMs: number };
  peakRssMb: { api: number | null; worker: number | null };
  /** CPU seconds used during A and during C: where the time goes. */
  cpuSecondsA: CpuSeconds;
  cpuSecondsC: CpuSeconds;
  /** PostgreSQL commits and Redis commands per delivery during A. */
  serverWorkA: { commitsPerDelivery: number; redisCallsPerDelivery: Record<string, number> };
  signaturesVerified: number;
  /** F: bursts to rate-limited destinations. */
  bursts: BurstResult[];
}

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

/** Runs every scenario of the benchmark against real processes and returns the numbers. */
export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const { scale, log } = options;
  const receiver = await startReceiver();
  let service: Service | undefined;
  try {
    service = await startService({
      databaseUrl: options.databaseUrl,
      redisUrl: options.redisUrl,
      workers: options.workers,
      useDist: options.useDist,
      profileDir: options.profileDir,
      maxChannelsPerTeam: Math.max(100, scale.fanoutChannels),
    });
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
    async function createChannels(teamId: string, count: number, events: string[], tag: string): Promise<void> {
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
          });
          if (body.secret) secretsByPath.set(path, body.secret);
        },
      );
    }

    // A. Throughput.
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
    const signaturesVerified = verifySamples(receiver, secretsByPath);
    log(
      `A: ${throughput.perSecond.toFixed(0)} deliveries/s in ${throughput.seconds} s; CPU s: ${JSON.stringify(cpuSecondsA)}`,
    );

    // B. Ceilings on the same machine, with the service idle.
    const bareBullmqPerSecond = await bareBullmq(env, scale.bareJobs);
    receiver.reset();
    const client = startNode('bench/src/ceilings/http-client.ts', env, {
      args: [`${receiver.origin}/raw`, String(scale.httpPosts)],
      readStdout: true,
    });
    const httpResult = (await jsonLines(client).next()).value as { perSecond: number } | undefined;
    const ceilings = {
      bareBullmqPerSecond,
      rawHttpPerSecond: httpResult?.perSecond ?? Number.NaN,
      ratioToBullmq: throughput.perSecond / bareBullmqPerSecond,
    };
    log(`B: bare BullMQ ${bareBullmqPerSecond.toFixed(0)} jobs/s, raw HTTP ${ceilings.rawHttpPerSecond.toFixed(0)}/s`);

    // C. Latency under a steady rate, one channel per team.
    const latencyTeams = Array.from({ length: 20 }, () => newId('team').id);
    await mapLimit(latencyTeams, 2, (team, i) => createChannels(team, 1, ['capsule.created'], `c${i}`));
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
      inflight.push(ingest([sandboxCreate(latencyTeams[seq % latencyTeams.length] as string, seq)]));
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
      `C: p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms; CPU s: ${JSON.stringify(cpuSecondsC)}`,
    );

    // D. Fan-out of one event to many channels of one team.
    const fanoutTeam = newId('team').id;
    await createChannels(fanoutTeam, scale.fanoutChannels, ['host.down'], 'd');
    receiver.reset();
    const startD = Date.now();
    await ingest([
      {
        team_id: fanoutTeam,
        actor: { type: 'system' },
        resource_type: 'host',
        resource_id: newId('host').id,
        action: 'marked_down',
      },
    ]);
    await receiver.waitFor(scale.fanoutChannels, 60_000);
    const fanout = {
      channels: scale.fanoutChannels,
      lastReceiptMs: Math.max(...receiver.receipts.map((r) => r.at)) - startD,
    };
    log(`D: ${fanout.lastReceiptMs} ms until the last of ${fanout.channels} receipts`);

    // E. Peak memory, read before the processes exit.
    const workerPeaks = workers.map((w) => peakRssMb(w.pid)).filter((v): v is number => v !== null);
    const peak = { api: peakRssMb(api.pid), worker: workerPeaks.length ? Math.max(...workerPeaks) : null };
    await service.stop();
    service = undefined;

    // F. Bursts to rate-limited destinations, on fresh processes pointed at the providers' fakes.
    const bursts = await runBursts({ ...options, bursts: scale.bursts });

    return {
      machine: { cpus: (await import('node:os')).availableParallelism(), node: process.version },
      scale,
      workers: options.workers,
      throughput,
      ceilings,
      latency,
      fanout,
      peakRssMb: peak,
      cpuSecondsA,
      cpuSecondsC,
      serverWorkA,
      signaturesVerified,
      bursts,
    };
  } finally {
    await service?.stop();
    await receiver.close();
  }
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

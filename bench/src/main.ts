// `npm run bench` entry (after scripts/bench.mjs has started PostgreSQL and Redis).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BurstResult, MAX_429_PER_BURST } from './bursts';
import { type ClusterRun, runClusterComparison } from './cluster-throughput';
import { ISOLATION_P99_TARGET_MS, ISOLATION_WORKER_RSS_TARGET_MB, type IsolationRun } from './isolation';
import { repoRoot } from './processes';
import {
  ALL_SCENARIOS,
  type BenchRun,
  type BenchScale,
  BUSY_ENDPOINT_TARGET_PER_SECOND,
  FULL_SCALE,
  runBench,
  runScenarios,
  type Scenario,
} from './run-bench';

const databaseUrl = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!databaseUrl || !redisUrl) {
  console.error('DATABASE_URL and REDIS_URL must be set (npm run bench sets them)');
  process.exit(1);
}

// BENCH_SCALE=0.25 runs every scenario at a quarter of its size (quicker iterations; numbers not comparable).
const factor = Number(process.env.BENCH_SCALE ?? 1);
const scaled = (n: number) => Math.max(1, Math.round(n * factor));
const scale: BenchScale = {
  ...FULL_SCALE,
  events: scaled(FULL_SCALE.events),
  bareJobs: scaled(FULL_SCALE.bareJobs),
  httpPosts: scaled(FULL_SCALE.httpPosts),
  latencySeconds: scaled(FULL_SCALE.latencySeconds),
  busyEvents: scaled(FULL_SCALE.busyEvents),
  fanoutChannels: scaled(FULL_SCALE.fanoutChannels),
  bursts: {
    ...FULL_SCALE.bursts,
    chatEvents: scaled(FULL_SCALE.bursts.chatEvents),
    webhookEvents: scaled(FULL_SCALE.bursts.webhookEvents),
  },
  isolation: {
    ...FULL_SCALE.isolation,
    slowChannelsPerTeam: scaled(FULL_SCALE.isolation.slowChannelsPerTeam),
    healthySeconds: scaled(FULL_SCALE.isolation.healthySeconds),
  },
};
const log = (line: string) => console.log(`[bench] ${line}`);
const workers = Number(process.env.BENCH_WORKERS ?? 1);
const useDist = process.env.BENCH_USE_DIST !== '0';

const clusterNodes = process.env.BENCH_REDIS_CLUSTER_NODES;
const compareCluster = () =>
  clusterNodes
    ? runClusterComparison({ databaseUrl, redisUrl, clusterNodes, scale, useDist, log })
    : Promise.resolve([] as ClusterRun[]);

// BENCH_ONLY=C,H runs only those scenarios (A brings B, its yardstick; I means I1 and I2; G is the
// Redis Cluster comparison) and prints their rows, e.g. to iterate on one change; results.json is left alone.
const only = parseOnly(process.env.BENCH_ONLY);
if (only) {
  const run = await runScenarios(
    { databaseUrl, redisUrl, scale, profileDir: process.env.BENCH_PROFILE_DIR, workers, useDist, log },
    only.scenarios,
  );
  const printed: string[] = [];
  if (run.peakRssMb) printed.push(formatTable(run));
  if (run.bursts) printed.push(formatBursts(run.bursts));
  if (run.isolation) printed.push(formatIsolation(run.isolation));
  if (only.cluster) printed.push(formatCluster(await compareCluster()));
  console.log(printed.join('\n\n'));
  process.exit(0);
}

const results = await runBench({
  databaseUrl,
  redisUrl,
  scale,
  profileDir: process.env.BENCH_PROFILE_DIR,
  workers,
  useDist,
  log,
});

const cluster = await compareCluster();
const out = join(repoRoot, 'bench', 'results.json');
writeFileSync(out, `${JSON.stringify({ ...results, cluster }, null, 2)}\n`);
console.log(formatTable(results));
console.log(`\n${formatBursts(results.bursts)}`);
console.log(`\n${formatIsolation(results.isolation)}`);
if (cluster.length > 0) console.log(`\n${formatCluster(cluster)}`);
console.log(`\nwritten to ${out}`);

function parseOnly(text: string | undefined): { scenarios: Set<Scenario>; cluster: boolean } | null {
  if (!text) return null;
  const scenarios = new Set<Scenario>();
  let cluster = false;
  for (const name of text.split(',').map((n) => n.trim().toUpperCase())) {
    if (name === 'G') cluster = true;
    else if (name === 'I') scenarios.add('I1').add('I2');
    else if ((ALL_SCENARIOS as readonly string[]).includes(name)) scenarios.add(name as Scenario);
    else {
      console.error(`BENCH_ONLY: unknown scenario ${name} (one or more of ${ALL_SCENARIOS.join(', ')}, I, G)`);
      process.exit(1);
    }
  }
  return { scenarios, cluster };
}

function formatTable(r: BenchRun): string {
  const row = (name: string, value: string, target: string, ok: boolean | null) =>
    `| ${name.padEnd(50)} | ${value.padStart(14)} | ${target.padEnd(26)} | ${ok === null ? '' : ok ? 'met' : 'MISSED'} |`;
  const rows = [
    `| ${'measure'.padEnd(50)} | ${'value'.padStart(14)} | ${'target'.padEnd(26)} |        |`,
    `|${'-'.repeat(52)}|${'-'.repeat(16)}|${'-'.repeat(28)}|--------|`,
  ];
  const { throughput, ceilings, latency, busyEndpoint: h, fanout, peakRssMb } = r;
  if (throughput) {
    const ratio = ceilings?.ratioToBullmq ?? Number.NaN;
    rows.push(
      row(
        `A deliveries/s (${throughput.deliveries} signed)`,
        throughput.perSecond.toFixed(0),
        '≥ 0.5 × bare BullMQ',
        ratio >= 0.5,
      ),
    );
  }
  if (ceilings) {
    rows.push(
      row('B bare BullMQ jobs/s', ceilings.bareBullmqPerSecond.toFixed(0), '', null),
      row('B raw keep-alive HTTP POST/s', ceilings.rawHttpPerSecond.toFixed(0), '', null),
    );
    if (throughput) {
      rows.push(row('A / bare BullMQ', ceilings.ratioToBullmq.toFixed(2), '≥ 0.50', ceilings.ratioToBullmq >= 0.5));
    }
  }
  if (latency) {
    rows.push(
      row(
        `C latency p50 (${r.scale.latencyRate}/s to one channel, ${r.scale.latencySeconds} s)`,
        `${latency.p50} ms`,
        '',
        null,
      ),
      row('C latency p95', `${latency.p95} ms`, '', null),
      row('C latency p99', `${latency.p99} ms`, '≤ 50 ms', latency.p99 <= 50),
      row('C latency max', `${latency.max} ms`, '', null),
    );
  }
  if (h) {
    rows.push(
      row(
        `H deliveries/s to one channel (${h.arrived}/${h.events})`,
        h.perSecond.toFixed(0),
        `≥ ${BUSY_ENDPOINT_TARGET_PER_SECOND}`,
        h.arrived === h.events && h.perSecond >= BUSY_ENDPOINT_TARGET_PER_SECOND,
      ),
      row('H ingest events/s (what the load could offer)', h.ingestPerSecond.toFixed(0), '', null),
    );
  }
  if (fanout) {
    rows.push(
      row(
        `D fan-out to ${fanout.channels} channels`,
        `${fanout.lastReceiptMs} ms`,
        '≤ 1000 ms',
        fanout.lastReceiptMs <= 1000,
      ),
      row(
        `D with a filter on each of the ${fanout.channels} channels`,
        `${fanout.filteredLastReceiptMs} ms`,
        '≤ 1.2 × without',
        fanout.filteredLastReceiptMs <= 1.2 * fanout.lastReceiptMs,
      ),
      row(
        'D worker CPU per event, without / with filters',
        `${fanout.workerCpuMs} / ${fanout.filteredWorkerCpuMs} ms`,
        '≤ 1.2 × without',
        fanout.filteredWorkerCpuMs <= 1.2 * fanout.workerCpuMs,
      ),
    );
  }
  if (peakRssMb) {
    rows.push(
      row('E peak RSS api (A–H)', `${peakRssMb.api} MB`, '', null),
      row(
        `E peak RSS worker (A–H, max of ${r.workers})`,
        `${peakRssMb.worker} MB`,
        '≤ 300 MB',
        (peakRssMb.worker ?? 0) <= 300,
      ),
    );
  }
  return rows.join('\n');
}

/** A delivery that never arrived counts with the time it had waited, so its run's percentiles are lower bounds. */
function atLeast(run: IsolationRun): string {
  return run.healthy.arrived < run.healthy.deliveries ? '≥ ' : '';
}

function formatIsolation(runs: IsolationRun[]): string {
  const widths = [46, 16, 11, 11, 11, 11, 36, 12, 6];
  const cells = (values: string[]) => `| ${values.join(' | ')} |`;
  const row = (values: string[]) => cells(values.map((v, i) => v.padEnd(widths[i] ?? 0)));
  return [
    `I. a healthy team (${scale.isolation.healthyChannels} webhook channels, one event every ${scale.isolation.healthyIntervalMs} ms for ${scale.isolation.healthySeconds} s) beside ${scale.isolation.slowTeams} × ${scale.isolation.slowChannelsPerTeam} slow channels, each on its own origin, every one sent an event each ${scale.isolation.slowEventIntervalMs / 1000} s`,
    row([
      'run: slow destinations',
      'healthy arrived',
      'p50',
      'p95',
      'p99',
      'max',
      'slow requests / answered / reached',
      'worker RSS',
      '',
    ]),
    cells(widths.map((w) => '-'.repeat(w))),
    ...runs.map((i) =>
      row([
        `${i.run}: ${i.slowDestinations} ${i.slowBehaviour}`,
        `${i.healthy.arrived} / ${i.healthy.deliveries}`,
        ...[i.healthy.p50, i.healthy.p95, i.healthy.p99, i.healthy.max].map((ms) => `${atLeast(i)}${ms} ms`),
        `${i.slow.requests} / ${i.slow.answered} / ${i.slow.destinationsReached}`,
        `${i.peakWorkerRssMb} MB`,
        i.met ? 'met' : 'MISSED',
      ]),
    ),
    `targets: every healthy delivery arrives, p99 ≤ ${ISOLATION_P99_TARGET_MS} ms; E: worker ≤ ${ISOLATION_WORKER_RSS_TARGET_MB} MB during I (${
      runs.every((i) => (i.peakWorkerRssMb ?? 0) <= ISOLATION_WORKER_RSS_TARGET_MB) ? 'met' : 'MISSED'
    })`,
  ].join('\n');
}

function formatBursts(bursts: BurstResult[]): string {
  const cells = (values: string[]) => `| ${values.join(' | ')} |`;
  const widths = [Math.max(52, ...bursts.map((b) => `${b.total} → ${b.label}`.length)), 15, 8, 5, 22, 28, 6];
  const row = (values: string[]) => cells(values.map((v, i) => v.padEnd(widths[i] ?? 0)));
  return [
    "F. bursts of capsule.created, production schedule (10 s, 30 s), fakes enforcing each provider's limits",
    row(['burst', 'arrived / total', 'messages', '429s', 'time to the last event', 'target', '']),
    cells(widths.map((w) => '-'.repeat(w))),
    ...bursts.map((b) =>
      row([
        `${b.total} → ${b.label}`,
        `${b.arrived} / ${b.total}`,
        String(b.messages),
        String(b.tooManyRequests),
        b.lastEventMs === null ? '-' : `${(b.lastEventMs / 1000).toFixed(1)} s`,
        `all within ${b.windowSeconds} s, ≤ ${MAX_429_PER_BURST} × 429`,
        b.met ? 'met' : 'MISSED',
      ]),
    ),
  ].join('\n');
}

function formatCluster(runs: ClusterRun[]): string {
  const row = (values: string[]) => `| ${values.map((v, i) => v.padEnd([36, 14, 60][i] ?? 0)).join(' | ')} |`;
  return [
    "G. scenario A's load on 2 worker processes: single Redis vs a Redis Cluster of 3 masters (3 shards)",
    row(['run', 'deliveries/s', 'per master: share of commands / of keys']),
    row(['-'.repeat(36), '-'.repeat(14), '-'.repeat(60)]),
    ...runs.map((r) =>
      row([
        r.label,
        r.perSecond.toFixed(0),
        r.masters.map((m) => `${m.node.split(':')[1]}: ${m.commandsPct}% / ${m.keysPct}%`).join(', '),
      ]),
    ),
  ].join('\n');
}

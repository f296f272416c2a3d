// `npm run bench` entry (after scripts/bench.mjs has started PostgreSQL and Redis).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BurstResult, MAX_429_PER_BURST, runBursts } from './bursts';
import { type ClusterRun, runClusterComparison } from './cluster-throughput';
import { repoRoot } from './processes';
import { type BenchResults, type BenchScale, FULL_SCALE, runBench } from './run-bench';

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
  fanoutChannels: scaled(FULL_SCALE.fanoutChannels),
  bursts: {
    ...FULL_SCALE.bursts,
    chatEvents: scaled(FULL_SCALE.bursts.chatEvents),
    webhookEvents: scaled(FULL_SCALE.bursts.webhookEvents),
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

// BENCH_ONLY=G runs scenario G alone (a couple of minutes): the single Redis against the cluster.
if (process.env.BENCH_ONLY === 'G') {
  console.log(formatCluster(await compareCluster()));
  process.exit(0);
}

// BENCH_ONLY=F runs scenario F alone (about a minute), e.g. to compare pacing changes.
if (process.env.BENCH_ONLY === 'F') {
  const bursts = await runBursts({ databaseUrl, redisUrl, workers, useDist, bursts: scale.bursts, log });
  console.log(formatBursts(bursts));
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
if (cluster.length > 0) console.log(`\n${formatCluster(cluster)}`);
console.log(`\nwritten to ${out}`);

function formatTable(r: BenchResults): string {
  const row = (name: string, value: string, target: string, ok: boolean | null) =>
    `| ${name.padEnd(44)} | ${value.padStart(14)} | ${target.padEnd(26)} | ${ok === null ? '' : ok ? 'met' : 'MISSED'} |`;
  return [
    `| ${'measure'.padEnd(44)} | ${'value'.padStart(14)} | ${'target'.padEnd(26)} |        |`,
    `|${'-'.repeat(46)}|${'-'.repeat(16)}|${'-'.repeat(28)}|--------|`,
    row(
      `A deliveries/s (${r.throughput.deliveries} signed)`,
      r.throughput.perSecond.toFixed(0),
      '≥ 0.5 × bare BullMQ',
      r.ceilings.ratioToBullmq >= 0.5,
    ),
    row('B bare BullMQ jobs/s', r.ceilings.bareBullmqPerSecond.toFixed(0), '', null),
    row('B raw keep-alive HTTP POST/s', r.ceilings.rawHttpPerSecond.toFixed(0), '', null),
    row('A / bare BullMQ', r.ceilings.ratioToBullmq.toFixed(2), '≥ 0.50', r.ceilings.ratioToBullmq >= 0.5),
    row(`C latency p50 (${r.scale.latencyRate}/s for ${r.scale.latencySeconds} s)`, `${r.latency.p50} ms`, '', null),
    row('C latency p95', `${r.latency.p95} ms`, '', null),
    row('C latency p99', `${r.latency.p99} ms`, '≤ 50 ms', r.latency.p99 <= 50),
    row(
      `D fan-out to ${r.fanout.channels} channels`,
      `${r.fanout.lastReceiptMs} ms`,
      '≤ 1000 ms',
      r.fanout.lastReceiptMs <= 1000,
    ),
    row('E peak RSS api', `${r.peakRssMb.api} MB`, '', null),
    row(
      `E peak RSS worker (max of ${r.workers})`,
      `${r.peakRssMb.worker} MB`,
      '≤ 300 MB',
      (r.peakRssMb.worker ?? 0) <= 300,
    ),
  ].join('\n');
}

function formatBursts(bursts: BurstResult[]): string {
  const cells = (values: string[]) => `| ${values.join(' | ')} |`;
  const widths = [52, 15, 8, 5, 22, 28, 6];
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

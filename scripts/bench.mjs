// `npm run bench`: its own PostgreSQL and Redis, the built API and worker(s), a loopback receiver;
// prints a table and writes bench/results.json. BENCH_WORKERS (default 1) sets the worker count,
// BENCH_SCALE (default 1) the size of every scenario, BENCH_PROFILE_DIR where API and workers write CPU profiles,
// BENCH_ONLY runs only the scenarios it names, comma-separated (e.g. C, H, I, I1, I2, F, or G: the comparison
// of a single Redis with a three-master Redis Cluster, started here only for a run that includes G).
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, runCommand, startRedisCluster, startThrowawayServices } from './lib/services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let services;
let cluster;
let code = 1;
try {
  services = await startThrowawayServices({ root, label: 'bench', database: 'wrenn', durable: true });
  const only = process.env.BENCH_ONLY
    ? process.env.BENCH_ONLY.toUpperCase()
        .split(',')
        .map((name) => name.trim())
    : undefined;
  if (!only || only.includes('G')) {
    const dir = join(services.work, 'redis-cluster');
    mkdirSync(dir);
    cluster = await startRedisCluster({ dir });
  }
  const env = {
    ...process.env,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redis.url,
    ...(cluster ? { BENCH_REDIS_CLUSTER_NODES: cluster.seeds } : {}),
    TURBO_TELEMETRY_DISABLED: '1',
  };
  const [cmd, pre] = services.pnpm;
  const run = (args) => runCommand(cmd, [...pre, ...args], { cwd: root, env });
  if ((await run(['--silent', 'db:migrate'])) !== 0) throw new Error('migrations failed');
  if (
    process.env.BENCH_USE_DIST !== '0' &&
    (await run(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only'])) !== 0
  ) {
    throw new Error('build failed');
  }
  log(only ? `running scenario(s) ${only.join(', ')}…` : 'running the benchmark (ten minutes or more)…');
  code = await runCommand(process.execPath, ['--import', 'tsx', 'bench/src/main.ts'], { cwd: root, env });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
} finally {
  await cluster?.stop();
  await services?.stop();
}
process.exit(code);

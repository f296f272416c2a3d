// `npm run bench`: its own PostgreSQL and Redis, the built API and worker(s), a loopback receiver;
// prints a table and writes bench/results.json. BENCH_WORKERS (default 1) sets the worker count,
// BENCH_SCALE (default 1) the size of every scenario, BENCH_PROFILE_DIR where API and workers write CPU profiles,
// BENCH_ONLY=F runs only the bursts to rate-limited destinations.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, runCommand, startThrowawayServices } from './lib/services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let services;
let code = 1;
try {
  services = await startThrowawayServices({ root, label: 'bench', database: 'wrenn', durable: true });
  const env = {
    ...process.env,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redis.url,
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
  log(
    process.env.BENCH_ONLY === 'F'
      ? 'running scenario F (about a minute)…'
      : 'running the benchmark (about three minutes)…',
  );
  code = await runCommand(process.execPath, ['--import', 'tsx', 'bench/src/main.ts'], { cwd: root, env });
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
} finally {
  await services?.stop();
}
process.exit(code);

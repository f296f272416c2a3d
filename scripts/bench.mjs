// `npm run bench`: its own PostgreSQL and Redis, the built API and worker(s), a loopback receiver;
// prints a table and writes bench/results.json. BENCH_WORKERS (default 1) sets the worker count,
// BENCH_SCALE (default 1) the size of every scenario, BENCH_PROFILE_DIR where API and workers write CPU profiles.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensurePnpm,
  ensureSystemPackages,
  freePort,
  installWorkspace,
  log,
  psql,
  startPostgres,
  startRedis,
} from './lib/services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args, env) =>
  new Promise((resolve) =>
    spawn(cmd, args, { cwd: root, env, stdio: 'inherit' }).on('exit', (code) => resolve(code ?? 1)),
  );

const pnpm = ensurePnpm();
installWorkspace(pnpm, root);
ensureSystemPackages();
const work = mkdtempSync(join(tmpdir(), 'wrenn-bench-'));
chmodSync(work, 0o755);
const started = [];
let code = 1;
try {
  const pg = await startPostgres({ dataDir: join(work, 'pg'), port: await freePort() });
  started.push(pg);
  const redis = await startRedis({ dir: join(work, 'redis'), port: await freePort() });
  started.push(redis);
  psql(pg.url, 'CREATE DATABASE wrenn');
  const env = {
    ...process.env,
    DATABASE_URL: pg.url.replace(/\/postgres$/, '/wrenn'),
    REDIS_URL: redis.url,
    TURBO_TELEMETRY_DISABLED: '1',
  };
  const [cmd, pre] = pnpm;
  if ((await run(cmd, [...pre, '--silent', 'db:migrate'], env)) !== 0) throw new Error('migrations failed');
  if (
    process.env.BENCH_USE_DIST !== '0' &&
    (await run(cmd, [...pre, 'exec', 'turbo', 'run', 'build', '--output-logs=errors-only'], env)) !== 0
  ) {
    throw new Error('build failed');
  }
  log('running the benchmark (about two minutes)…');
  code = await run(process.execPath, ['--import', 'tsx', 'bench/src/main.ts'], env);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
} finally {
  for (const service of started.reverse()) await service.stop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
process.exit(code);

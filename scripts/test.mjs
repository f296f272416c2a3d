// `npm test`: throw-away PostgreSQL and Redis, type checks, then every test of the repo.
// Ends with "N passed, N failed" and a non-zero exit on any failure.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ensurePgbouncer,
  ensureSystemPackages,
  log,
  runCommand,
  startPgbouncer,
  startRedisCluster,
  startThrowawayServices,
} from './lib/services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const extraArgs = process.argv.slice(2);

/** Sums vitest's JSON report; a test file that fails to load counts as a failure. */
function countResults(resultsFile, exitCode) {
  if (!existsSync(resultsFile)) return { passed: 0, failed: exitCode === 0 ? 0 : 1 };
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const unloaded = (results.testResults ?? []).filter((f) => f.status === 'failed' && f.assertionResults.length === 0);
  return {
    passed: results.numPassedTests ?? 0,
    failed: (results.numFailedTests ?? 0) + (results.numRuntimeErrorTests ?? 0) + unloaded.length,
  };
}

/** True when the run includes the portal's tests (all tests, or a path under apps/portal). */
const runsPortalTests =
  extraArgs.filter((a) => !a.startsWith('-')).length === 0 || extraArgs.some((a) => a.includes('apps/portal'));

/**
 * True when the run includes the Redis Cluster tests (all tests, or a path naming `cluster`):
 * only they need the three extra Redis nodes (about 2 s to start).
 */
const runsClusterTests =
  extraArgs.filter((a) => !a.startsWith('-')).length === 0 || extraArgs.some((a) => a.includes('cluster'));

/** True when the run includes the connection-pooler test (all tests, or a path naming `pooler`). */
const runsPoolerTests =
  extraArgs.filter((a) => !a.startsWith('-')).length === 0 || extraArgs.some((a) => a.includes('pooler'));

let services;
let cluster;
let pgbouncer;
let pgbouncerSkip;
let exitCode = 1;
try {
  if (runsPortalTests) ensureSystemPackages({ postgres: false, redis: false, chromium: true });
  services = await startThrowawayServices({ root, label: 'test', database: 'wrenn_template', durable: false });
  log(`PostgreSQL and Redis (${services.redis.url}) started in ${services.work}`);
  if (runsClusterTests) {
    const started = Date.now();
    const dir = join(services.work, 'redis-cluster');
    mkdirSync(dir);
    cluster = await startRedisCluster({ dir });
    log(`Redis Cluster (${cluster.seeds}) started in ${Date.now() - started} ms`);
  }
  if (runsPoolerTests) {
    // Debian's PgBouncer in transaction mode, in front of the same PostgreSQL.
    pgbouncerSkip = ensurePgbouncer();
    if (pgbouncerSkip) log(`the pooler test will be skipped: ${pgbouncerSkip}`);
    else {
      pgbouncer = await startPgbouncer({ dir: join(services.work, 'pgbouncer'), postgresPort: services.postgresPort });
      log(`PgBouncer (transaction mode) listens on port ${pgbouncer.port}`);
    }
  }
  const env = {
    ...process.env,
    // The migrated template: each test file copies it into a database of its own.
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redis.url,
    WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
    WRENN_INTERNAL_TOKEN: randomBytes(24).toString('hex'),
    WRENN_ALLOW_PRIVATE_TARGETS: 'true',
    WRENN_TEST_REDIS_PORT: String(services.redis.port),
    WRENN_TEST_WORK_DIR: services.work,
    ...(cluster ? { WRENN_TEST_REDIS_CLUSTER_NODES: cluster.seeds } : {}),
    ...(pgbouncer ? { WRENN_TEST_PGBOUNCER_URL: pgbouncer.url } : {}),
    ...(pgbouncerSkip ? { WRENN_TEST_PGBOUNCER_SKIP: pgbouncerSkip } : {}),
    TURBO_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  };
  const [cmd, pre] = services.pnpm;
  const run = (args) => runCommand(cmd, [...pre, ...args], { cwd: root, env });
  if ((await run(['db:migrate'])) !== 0) throw new Error('migrations failed');
  // The browser tests load the built portal; turbo rebuilds it only when its sources changed.
  if (
    runsPortalTests &&
    (await run(['exec', 'turbo', 'run', 'build', '--filter=@wrenn/portal', '--output-logs=errors-only'])) !== 0
  ) {
    throw new Error('the portal build failed');
  }

  // WRENN_SKIP_TYPECHECK=1 shortens local iterations on one test file; CI always checks.
  const typecheck =
    process.env.WRENN_SKIP_TYPECHECK === '1'
      ? null
      : await run(['exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only']);
  const resultsFile = join(services.work, 'vitest.json');
  const tests = await run([
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${resultsFile}`,
    ...extraArgs,
  ]);

  let { passed, failed } = countResults(resultsFile, tests);
  if (typecheck === null) {
    log('type check skipped (WRENN_SKIP_TYPECHECK=1)');
  } else if (typecheck !== 0) {
    log('type check failed');
    failed += 1;
  } else {
    passed += 1;
  }
  exitCode = failed === 0 && tests === 0 ? 0 : 1;
  console.log(`${passed} passed, ${failed} failed`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  console.log('0 passed, 1 failed');
  exitCode = 1;
} finally {
  await pgbouncer?.stop();
  await cluster?.stop();
  await services?.stop();
}
process.exit(exitCode);

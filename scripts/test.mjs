// `npm test`: throw-away PostgreSQL and Redis, type checks, then every test of the repo.
// Ends with "N passed, N failed" and a non-zero exit on any failure.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const extraArgs = process.argv.slice(2);

function run(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const pnpm = ensurePnpm();
installWorkspace(pnpm, root);
ensureSystemPackages();

const work = mkdtempSync(join(tmpdir(), 'wrenn-test-'));
// The postgres user (when run as root) must reach the data folder inside.
chmodSync(work, 0o755);
const started = [];
let exitCode = 1;
try {
  const pg = await startPostgres({ dataDir: join(work, 'pg'), port: await freePort(), durable: false });
  started.push(pg);
  const redis = await startRedis({ dir: join(work, 'redis'), port: await freePort(), durable: false });
  started.push(redis);
  log(`PostgreSQL on ${pg.port}, Redis on ${redis.port}`);

  psql(pg.url, 'CREATE DATABASE wrenn_template');
  const templateUrl = pg.url.replace(/\/postgres$/, '/wrenn_template');
  const env = {
    ...process.env,
    DATABASE_URL: templateUrl,
    REDIS_URL: redis.url,
    WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
    WRENN_INTERNAL_TOKEN: randomBytes(24).toString('hex'),
    WRENN_ALLOW_PRIVATE_TARGETS: 'true',
    // Tests reach the Redis and PostgreSQL binaries to stop/restart them.
    WRENN_TEST_REDIS_PORT: String(redis.port),
    WRENN_TEST_WORK_DIR: work,
    TURBO_TELEMETRY_DISABLED: '1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
  };
  const [cmd, pre] = pnpm;
  if ((await run(cmd, [...pre, 'db:migrate'], env)) !== 0) throw new Error('migrations failed');

  // WRENN_SKIP_TYPECHECK=1 shortens local iterations on one test file; CI always checks.
  const typecheck =
    process.env.WRENN_SKIP_TYPECHECK === '1'
      ? null
      : await run(cmd, [...pre, 'exec', 'turbo', 'run', 'typecheck', '--output-logs=errors-only'], env);
  const resultsFile = join(work, 'vitest.json');
  const tests = await run(
    cmd,
    [
      ...pre,
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${resultsFile}`,
      ...extraArgs,
    ],
    env,
  );

  let passed = 0;
  let failed = 0;
  if (existsSync(resultsFile)) {
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    passed = results.numPassedTests ?? 0;
    failed = (results.numFailedTests ?? 0) + (results.numRuntimeErrorTests ?? 0);
    // A test file that fails to load counts as a failure even with no test in it.
    failed += (results.testResults ?? []).filter(
      (f) => f.status === 'failed' && f.assertionResults.length === 0,
    ).length;
  } else if (tests !== 0) {
    failed += 1;
  }
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
  for (const service of started.reverse()) await service.stop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createTestDatabase,
  freePort,
  repoRoot,
  startApp,
  type TestDatabase,
  testRedisUrl,
  waitFor,
  waitForStatus,
} from '@wrenn/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

function secretsEnv(): NodeJS.ProcessEnv {
  return {
    WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
    WRENN_INTERNAL_TOKEN: randomBytes(24).toString('hex'),
  };
}

describe('the operator path: pnpm build, migrate, each app alone from dist/', () => {
  it('builds both apps, migrates an empty database twice, and serves /ready from the bundles', async () => {
    await run('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@wrenn/api', '--filter=@wrenn/worker'], {
      cwd: repoRoot,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    });

    // An empty database (not the migrated template) next to the test's own.
    const empty = `m_${randomBytes(5).toString('hex')}`;
    const admin = new URL(database.url);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`CREATE DATABASE ${empty}`);
    const emptyUrl = new URL(database.url);
    emptyUrl.pathname = `/${empty}`;
    try {
      const env = { PATH: process.env.PATH, DATABASE_URL: emptyUrl.toString() };
      const first = await run(process.execPath, [join(repoRoot, 'apps/api/dist/migrate.js')], { env });
      expect(first.stdout).toContain('applied: 2026-11-27_001_initial');
      const second = await run(process.execPath, [join(repoRoot, 'apps/api/dist/migrate.js')], { env });
      expect(second.stdout).toContain('database is up to date');
    } finally {
      await client.query(`DROP DATABASE IF EXISTS ${empty} WITH (FORCE)`);
      await client.end();
    }

    const env = { PATH: process.env.PATH, DATABASE_URL: database.url, REDIS_URL: testRedisUrl(), LOG_LEVEL: 'warn' };
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const apps = [
      {
        port: apiPort,
        process: spawnDist('apps/api/dist/main.js', { ...env, ...secretsEnv(), PORT: String(apiPort) }),
      },
      {
        port: workerPort,
        process: spawnDist('apps/worker/dist/main.js', { ...env, ...secretsEnv(), PORT: String(workerPort) }),
      },
    ];
    try {
      for (const app of apps) await waitForStatus(`http://127.0.0.1:${app.port}/ready`, 200, 30_000);
    } finally {
      for (const app of apps) app.process.child.kill('SIGTERM');
    }
    for (const app of apps) expect(await app.process.exited).toBe(0);
  }, 120_000);
});

function spawnDist(entry: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(repoRoot, entry)], { cwd: repoRoot, env, stdio: 'ignore' });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, exited };
}

describe('npm start', () => {
  it('starts the API and the worker on the given servers, prints a working token, and Ctrl-C stops everything', async () => {
    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const start = startApp('scripts/start.mjs', {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      WRENN_API_PORT: String(apiPort),
      WRENN_WORKER_PORT: String(workerPort),
      WRENN_QUEUE_PREFIX: `start${randomBytes(3).toString('hex')}`,
      ...secretsEnv(),
      LOG_LEVEL: 'warn',
    });
    try {
      await waitFor(() => start.output().includes('Press Ctrl-C to stop.'), {
        timeoutMs: 90_000,
        message: `npm start did not come up:\n${start.output().slice(-2000)}`,
      });
      const token = /Development token[^\n]*\n\s+(\S+)/.exec(start.output())?.[1];
      expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const base = `http://127.0.0.1:${apiPort}`;
      expect(start.output()).toContain(`curl -s ${base}/v1/channels`);
      const list = await fetch(`${base}/v1/channels`, { headers: { authorization: `Bearer ${token}` } });
      expect(list.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${workerPort}/ready`)).status).toBe(200);
    } finally {
      start.child.kill('SIGINT');
    }
    expect(await start.exited).toBe(0);
    // Nothing it started is left listening.
    for (const port of [apiPort, workerPort]) {
      await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
    }
  }, 150_000);
});

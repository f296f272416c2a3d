import { randomBytes } from 'node:crypto';
import { freePort, type RedisProcess, startApp, startPrivateRedis, waitForStatus } from '@wrenn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  DATABASE_URL: process.env.DATABASE_URL,
  REDIS_URL: process.env.REDIS_URL,
  WRENN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  WRENN_JWT_SECRET: randomBytes(32).toString('hex'),
  WRENN_INTERNAL_TOKEN: randomBytes(24).toString('hex'),
  LOG_LEVEL: 'warn',
});

describe('API process start-up', () => {
  it.each([
    ['WRENN_ENCRYPTION_KEY', 'xyz', 'WRENN_ENCRYPTION_KEY must be 64 hex characters'],
    ['WRENN_ENCRYPTION_KEY', undefined, 'WRENN_ENCRYPTION_KEY must be set (64 hex characters)'],
    ['WRENN_JWT_SECRET', undefined, 'WRENN_JWT_SECRET must be set (HS256 key for user JWTs)'],
    ['WRENN_ALLOW_PRIVATE_TARGETS', 'maybe', 'WRENN_ALLOW_PRIVATE_TARGETS must be true or false'],
    ['PORT', 'eighty', 'PORT must be a port number'],
    ['WRENN_METRICS_PORT', '70000', 'WRENN_METRICS_PORT must be a port number'],
    ['WRENN_METRICS_PORT', '8080', 'WRENN_METRICS_PORT must differ from PORT'],
    ['WRENN_DB_POOL_SIZE', '0', 'WRENN_DB_POOL_SIZE must be a whole number from 1 to 500'],
    ['WRENN_PROVIDER_TIMEOUT', '30', 'WRENN_PROVIDER_TIMEOUT must be a duration like 500ms, 10s or 2m'],
  ])('stops with one line naming %s when it is %s', async (name, value, line) => {
    const env = baseEnv();
    if (value === undefined) delete env[name];
    else env[name] = value;
    const app = startApp('apps/api/src/main.ts', env);
    expect(await app.exited).toBe(1);
    expect(app.output().trim()).toBe(line);
  });
});

describe('API readiness follows its dependencies', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('turns /ready to 503 while Redis is down and back to 200 without a restart, then exits cleanly on SIGTERM', async () => {
    const port = await freePort();
    const app = startApp('apps/api/src/main.ts', { ...baseEnv(), REDIS_URL: redis.url, PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForStatus(`${base}/ready`, 200, 30_000);
      expect((await fetch(`${base}/health`)).status).toBe(200);

      await redis.stop();
      await waitForStatus(`${base}/ready`, 503);
      const body = (await (await fetch(`${base}/ready`)).json()) as { error: { code: string; message: string } };
      expect(body).toEqual({ error: { code: 'unavailable', message: 'not ready: redis unreachable' } });
      expect((await fetch(`${base}/health`)).status).toBe(200);

      await redis.start();
      await waitForStatus(`${base}/ready`, 200);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
  }, 60_000);
});

describe('WRENN_METRICS_PORT', () => {
  it('serves /metrics on that port only, and the API on PORT without it', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const app = startApp('apps/api/src/main.ts', {
      ...baseEnv(),
      PORT: String(port),
      WRENN_METRICS_PORT: String(metricsPort),
    });
    try {
      await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, 30_000);
      await waitForStatus(`http://127.0.0.1:${metricsPort}/metrics`, 200);
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(await metrics.text()).toContain('wrenn_http_request_duration_seconds_count{');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      // The metrics port answers nothing else.
      expect((await fetch(`http://127.0.0.1:${metricsPort}/health`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${metricsPort}/v1/channels`)).status).toBe(404);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
  }, 60_000);
});

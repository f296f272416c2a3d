import { providerSettingsFromEnv } from '@wrenn/providers';
import { startApp } from '@wrenn/testing';
import { describe, expect, it } from 'vitest';
import { loadWorkerEnv } from '../src/env';

const base = { DATABASE_URL: 'postgres://unused', REDIS_URL: 'redis://unused', WRENN_ENCRYPTION_KEY: '0'.repeat(64) };

describe('worker timings and sizes from the environment', () => {
  it('default to the values the worker always had', () => {
    const env = loadWorkerEnv(base);
    expect({
      timeout: providerSettingsFromEnv(env).timeoutMs,
      interval: env.WRENN_RELAY_INTERVAL,
      lockTtl: env.WRENN_RELAY_LOCK_TTL,
      pageSize: env.WRENN_RELAY_PAGE_SIZE,
      pages: env.WRENN_RELAY_PAGES_PER_PASS,
      requeues: env.WRENN_RELAY_MAX_REQUEUES,
    }).toEqual({ timeout: 10_000, interval: 2_000, lockTtl: 10_000, pageSize: 500, pages: 4, requeues: 5 });
  });

  it('read durations with their unit and whole numbers', () => {
    const env = loadWorkerEnv({
      ...base,
      WRENN_PROVIDER_TIMEOUT: '2500ms',
      WRENN_RELAY_INTERVAL: '1s',
      WRENN_RELAY_LOCK_TTL: '1m',
      WRENN_RELAY_PAGE_SIZE: '100',
      WRENN_RELAY_PAGES_PER_PASS: '10',
      WRENN_RELAY_MAX_REQUEUES: '3',
    });
    expect(providerSettingsFromEnv(env).timeoutMs).toBe(2_500);
    expect([env.WRENN_RELAY_INTERVAL, env.WRENN_RELAY_LOCK_TTL]).toEqual([1_000, 60_000]);
    expect([env.WRENN_RELAY_PAGE_SIZE, env.WRENN_RELAY_PAGES_PER_PASS, env.WRENN_RELAY_MAX_REQUEUES]).toEqual([
      100, 10, 3,
    ]);
  });

  it('read dashboard link templates, unset by default', () => {
    expect(loadWorkerEnv(base).WRENN_LINK_TEMPLATES).toBeUndefined();
    const env = loadWorkerEnv({ ...base, WRENN_LINK_TEMPLATES: 'host=https://app.wrenn.dev/admin/hosts/{id}' });
    expect(env.WRENN_LINK_TEMPLATES?.get('host')).toBe('https://app.wrenn.dev/admin/hosts/{id}');
  });

  it.each([
    ['WRENN_PROVIDER_TIMEOUT', '10', 'WRENN_PROVIDER_TIMEOUT must be a duration like 500ms, 10s or 2m'],
    ['WRENN_PROVIDER_TIMEOUT', '5m', 'WRENN_PROVIDER_TIMEOUT must be between 1s and 2m'],
    ['WRENN_RELAY_INTERVAL', '50ms', 'WRENN_RELAY_INTERVAL must be between 100ms and 10m'],
    ['WRENN_RELAY_PAGE_SIZE', '0', 'WRENN_RELAY_PAGE_SIZE must be a whole number from 1 to 10000'],
    ['WRENN_RELAY_MAX_REQUEUES', 'lots', 'WRENN_RELAY_MAX_REQUEUES must be a whole number from 1 to 1000'],
    [
      'WRENN_LINK_TEMPLATES',
      'sandbox=ftp://app.wrenn.dev/{id}',
      'WRENN_LINK_TEMPLATES must be resource_type=URL pairs: the URL for "sandbox" must be an http(s) URL',
    ],
    [
      'WRENN_LINK_TEMPLATES',
      'sandbox=https://app.wrenn.dev/{name}',
      'WRENN_LINK_TEMPLATES must be resource_type=URL pairs: unknown placeholder {name} (use {id} or {team_id})',
    ],
  ])('stop the worker with one line when %s is %s', async (name, value, line) => {
    const app = startApp('apps/worker/src/main.ts', { PATH: process.env.PATH, ...base, [name]: value });
    expect(await app.exited).toBe(1);
    expect(app.output().trim()).toBe(line);
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dockerCompose, readRepoFile } from './support/repo';

const COMPOSE = ['-f', 'infra/compose.yaml', '--env-file', 'infra/.env.example'];

interface ComposeService {
  image?: string;
  build?: { dockerfile?: string };
  command?: string[] | string;
  container_name?: string;
  ports?: unknown[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
  restart?: string;
}

function resolvedCompose(): Record<string, ComposeService> {
  const result = dockerCompose([...COMPOSE, 'config']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return (parse(result.stdout) as { services: Record<string, ComposeService> }).services;
}

function seconds(duration: string | undefined): number {
  const match = /^(\d+)(s|m)$/.exec(duration ?? '');
  if (!match) return 0;
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

describe('infra/compose.yaml', () => {
  it('is a valid compose file with the example environment', () => {
    const result = dockerCompose([...COMPOSE, 'config', '-q']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses to start without the secrets, naming the variable', () => {
    const emptyEnv = join(mkdtempSync(join(tmpdir(), 'wrenn-compose-')), 'empty.env');
    writeFileSync(emptyEnv, '');
    const result = dockerCompose(['-f', 'infra/compose.yaml', '--env-file', emptyEnv, 'config', '-q']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/POSTGRES_PASSWORD|WRENN_ENCRYPTION_KEY|WRENN_JWT_SECRET|WRENN_INTERNAL_TOKEN/);
  });

  it('runs postgres, redis, a one-shot migrate, the api and scalable workers', () => {
    const services = resolvedCompose();
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'postgres', 'redis', 'worker']);

    const { migrate, api, worker, redis } = services as Record<string, ComposeService>;
    expect(migrate?.image).toBe(api?.image);
    expect(migrate?.command).toEqual(['node', 'apps/api/dist/migrate.js']);
    expect(migrate?.restart).toBe('no');
    for (const app of [api, worker]) {
      expect(app?.depends_on?.migrate?.condition).toBe('service_completed_successfully');
      expect(app?.depends_on?.redis?.condition).toBe('service_healthy');
      expect(seconds(app?.stop_grace_period)).toBeGreaterThanOrEqual(35);
    }
    // `--scale worker=N` needs neither a fixed name nor a host port.
    expect(worker?.container_name).toBeUndefined();
    expect(worker?.ports).toBeUndefined();
    expect(worker?.build?.dockerfile).toBe('infra/docker/worker.Dockerfile');

    const redisArgs = ([] as string[]).concat(redis?.command ?? []).join(' ');
    expect(redisArgs).toMatch(/--appendonly yes/);
    expect(redisArgs).toMatch(/--maxmemory-policy noeviction/);
  });

  it('gives each app the environment of CONTRACT section 3', () => {
    const { api, worker } = resolvedCompose();
    const shared = ['DATABASE_URL', 'REDIS_URL', 'WRENN_ENCRYPTION_KEY', 'WRENN_QUEUE_PREFIX', 'PORT'];
    for (const name of [...shared, 'WRENN_JWT_SECRET', 'WRENN_INTERNAL_TOKEN'])
      expect(api?.environment).toHaveProperty(name);
    for (const name of [...shared, 'WRENN_RETRY_DELAYS', 'WRENN_WORKER_CONCURRENCY']) {
      expect(worker?.environment).toHaveProperty(name);
    }
    expect(api?.environment?.WRENN_QUEUE_PREFIX).toBe(worker?.environment?.WRENN_QUEUE_PREFIX);
  });
});

describe('infra/.env.example', () => {
  it('holds placeholders only, never a usable secret', () => {
    const values = Object.fromEntries(
      readRepoFile('infra/.env.example')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]),
    );
    for (const name of ['POSTGRES_PASSWORD', 'WRENN_ENCRYPTION_KEY', 'WRENN_JWT_SECRET', 'WRENN_INTERNAL_TOKEN']) {
      expect(values[name], name).toBe('change-me');
    }
    expect(values.WRENN_ENCRYPTION_KEY_PREVIOUS).toBe('');
    expect(readRepoFile('infra/.gitignore')).toMatch(/^\.env$/m);
  });
});

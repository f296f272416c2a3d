import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { composeConfig, parseEnvFile } from './support/compose-config';
import { readRepoFile } from './support/repo';

const composeText = readRepoFile('infra/compose.yaml');
// Only the env file decides the variables, not whatever the calling shell exports.
const exampleEnv = parseEnvFile(readRepoFile('infra/.env.example'));

interface ComposeService {
  image?: string;
  build?: { dockerfile?: string };
  command?: string[] | string;
  container_name?: string;
  ports?: unknown[];
  environment?: Record<string, string | null>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] | string };
  profiles?: string[];
  hostname?: string;
  volumes?: string[];
  stop_grace_period?: string;
  restart?: string;
}

function resolvedCompose(): Record<string, ComposeService> {
  const result = composeConfig(composeText, exampleEnv);
  if (!result.ok) expect.fail(result.errors.join('\n'));
  return (result.config as { services: Record<string, ComposeService> }).services;
}

/** The services `docker compose up` starts without `--profile`. */
function defaultServices(): Record<string, ComposeService> {
  return Object.fromEntries(Object.entries(resolvedCompose()).filter(([, service]) => !service.profiles));
}

function seconds(duration: string | undefined): number {
  const match = /^(\d+)(s|m)$/.exec(duration ?? '');
  if (!match) return 0;
  return Number(match[1]) * (match[2] === 'm' ? 60 : 1);
}

describe('infra/compose.yaml', () => {
  it('is a valid compose file with the example environment', () => {
    expect(composeConfig(composeText, exampleEnv)).toMatchObject({ ok: true });
  });

  it('refuses to start without the secrets, naming each variable', () => {
    const result = composeConfig(composeText, {});
    expect(result.ok).toBe(false);
    const errors = result.ok ? '' : result.errors.join('\n');
    for (const name of ['POSTGRES_PASSWORD', 'WRENN_ENCRYPTION_KEY', 'WRENN_JWT_SECRET', 'WRENN_INTERNAL_TOKEN'])
      expect(errors).toContain(`required variable ${name} is missing a value: set ${name}`);
  });

  it('runs postgres, redis, a one-shot migrate, the api and scalable workers', () => {
    const services = defaultServices();
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

  it('gives each app the environment it is configured by', () => {
    const { api, worker } = resolvedCompose();
    const shared = [
      'DATABASE_URL',
      'REDIS_URL',
      'WRENN_REDIS_CLUSTER_NODES',
      'WRENN_REDIS_PASSWORD',
      'WRENN_QUEUE_SHARDS',
      'WRENN_ENCRYPTION_KEY',
      'WRENN_QUEUE_PREFIX',
      'PORT',
    ];
    for (const name of [...shared, 'WRENN_JWT_SECRET', 'WRENN_INTERNAL_TOKEN'])
      expect(api?.environment).toHaveProperty(name);
    for (const name of [...shared, 'WRENN_RETRY_DELAYS', 'WRENN_WORKER_CONCURRENCY']) {
      expect(worker?.environment).toHaveProperty(name);
    }
    expect(api?.environment?.WRENN_QUEUE_PREFIX).toBe(worker?.environment?.WRENN_QUEUE_PREFIX);
    // One shard count for all: a channel must land in the same shard whoever queues its drain.
    expect(api?.environment?.WRENN_QUEUE_SHARDS).toBe(worker?.environment?.WRENN_QUEUE_SHARDS);
  });

  it('health-checks every service another waits on as healthy; only the cluster is behind a profile', () => {
    const services = resolvedCompose();
    for (const [name, service] of Object.entries(services)) {
      if (service.profiles) expect(service.profiles, name).toEqual(['cluster']);
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        if (condition === 'service_healthy') expect(services[target]?.healthcheck?.test, target).toBeDefined();
      }
    }
  });
});

describe('the cluster profile', () => {
  const cluster = () =>
    Object.entries(resolvedCompose()).filter(([, service]) => service.profiles?.includes('cluster'));

  it('adds three Redis Cluster masters and a one-shot job that joins them', () => {
    const services = Object.fromEntries(cluster());
    expect(Object.keys(services).sort()).toEqual([
      'redis-cluster-create',
      'redis-node-0',
      'redis-node-1',
      'redis-node-2',
    ]);
    const nodes = ['redis-node-0', 'redis-node-1', 'redis-node-2'];
    for (const name of nodes) {
      const node = services[name];
      const command = ([] as string[]).concat(node?.command ?? []).join(' ');
      expect(command).toMatch(/--cluster-enabled yes/);
      expect(command).toMatch(/--appendonly yes/);
      expect(command).toMatch(/--maxmemory-policy noeviction/);
      // Announced by name; `$$` reaches the shell as one `$`.
      expect(command).toContain('--cluster-announce-hostname "$(hostname)"');
      expect(node?.hostname).toBe(name);
      expect(node?.healthcheck?.test).toBeDefined();
      expect(node?.volumes?.[0]).toBe(`${name}-data:/data`);
    }
    const create = services['redis-cluster-create'];
    expect(create?.restart).toBe('no');
    expect(Object.keys(create?.depends_on ?? {}).sort()).toEqual(nodes);
    expect(([] as string[]).concat(create?.command ?? []).join(' ')).toMatch(
      /cluster_state:ok \|\| redis-cli --cluster create redis-node-0:6379 redis-node-1:6379 redis-node-2:6379 --cluster-yes/,
    );
  });

  it('points the apps at the cluster when infra/.env names its nodes', () => {
    const nodes = 'redis-node-0:6379,redis-node-1:6379,redis-node-2:6379';
    const result = composeConfig(composeText, {
      ...exampleEnv,
      WRENN_REDIS_CLUSTER_NODES: nodes,
      WRENN_QUEUE_SHARDS: '3',
    });
    if (!result.ok) expect.fail(result.errors.join('\n'));
    const { api, worker } = (result.config as { services: Record<string, ComposeService> }).services;
    for (const app of [api, worker]) {
      expect(app?.environment).toMatchObject({ WRENN_REDIS_CLUSTER_NODES: nodes, WRENN_QUEUE_SHARDS: '3' });
    }
  });
});

describe('the in-process compose check', () => {
  const valid = () =>
    structuredClone({
      services: resolvedCompose(),
      volumes: Object.fromEntries(
        ['postgres-data', 'redis-data', 'redis-node-0-data', 'redis-node-1-data', 'redis-node-2-data'].map((v) => [
          v,
          null,
        ]),
      ),
    });

  it('accepts the resolved file written back out', () => {
    expect(composeConfig(stringify(valid()), {})).toMatchObject({ ok: true });
  });

  // Each case changes one service of the valid file in one way.
  it.each([
    ['an unknown service key', 'api', { restart_policy: 'always' }, /restart_policy/],
    ['an unknown depends_on condition', 'api', { depends_on: { redis: { condition: 'service_ready' } } }, /depends_on/],
    ['a duration compose cannot read', 'api', { stop_grace_period: '35 seconds' }, /format "duration"/],
    ['a malformed port', 'api', { ports: ['8080:http'] }, /format "ports"/],
    ['a command that is a number', 'migrate', { command: 42 }, /command/],
    [
      'a healthcheck retry count that is not a number',
      'redis',
      { healthcheck: { test: ['CMD', 'true'], retries: 'many' } },
      /healthcheck\/retries must be number/,
    ],
    [
      'a dependency on an undefined service',
      'api',
      { depends_on: { cache: { condition: 'service_started' } } },
      /depends on undefined service cache/,
    ],
    ['an undefined named volume', 'redis', { volumes: ['cache-data:/data'] }, /undefined volume cache-data/],
  ] as const)('refuses %s', (_, service, change, message) => {
    const config = valid();
    Object.assign(config.services[service] ?? {}, change);
    const result = composeConfig(stringify(config), {});
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.errors.join('\n')).toMatch(message);
  });

  it('refuses an unterminated variable and text that is not a compose document', () => {
    expect(composeConfig('services:\n  a:\n    image: "${TAG"\n', {})).toMatchObject({
      ok: false,
      errors: [expect.stringContaining('invalid interpolation format')],
    });
    expect(composeConfig('- just\n- a list\n', {})).toMatchObject({ ok: false });
    expect(composeConfig('services: [', {})).toMatchObject({ ok: false });
  });

  it('interpolates like compose: defaults, alternatives, required values and $$', () => {
    // Compose's own `${…}` syntax, in plain strings on purpose.
    const text = [
      'services:',
      '  a:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: compose syntax
      '    image: "${UNSET:-x}/${EMPTY-y}/${EMPTY:-z}/${SET:+alt}/$$SET/${SET}"',
      '    environment:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: compose syntax
      '      NEEDED: ${EMPTY?}',
    ].join('\n');
    const result = composeConfig(text, { SET: 'v', EMPTY: '' });
    expect(result).toMatchObject({
      ok: true,
      config: { services: { a: { image: 'x//z/alt/$SET/v', environment: { NEEDED: '' } } } },
    });
    const required = text.replace('EMPTY?}', 'EMPTY:?say why}');
    expect(composeConfig(required, { SET: 'v', EMPTY: '' })).toMatchObject({
      ok: false,
      errors: ['required variable EMPTY is missing a value: say why'],
    });
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

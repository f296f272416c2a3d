import { afterEach, describe, expect, it, vi } from 'vitest';
import { envVars, parseEnv, redisTarget, requireRedis } from '../src';

const schema = envVars
  .pick({ REDIS_URL: true, WRENN_REDIS_CLUSTER_NODES: true, WRENN_REDIS_PASSWORD: true, WRENN_QUEUE_SHARDS: true })
  .superRefine(requireRedis);

/** The one line a refused environment writes before exiting. */
function refusal(env: Record<string, string>): string {
  vi.spyOn(process, 'exit').mockImplementation((() => {
    throw new Error('exit');
  }) as never);
  const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  expect(() => parseEnv(schema, env)).toThrow('exit');
  return String(write.mock.calls[0]?.[0]);
}

describe('Redis variables', () => {
  afterEach(() => vi.restoreAllMocks());

  it('connects to REDIS_URL when no cluster is named, one shard by default', () => {
    const env = parseEnv(schema, { REDIS_URL: 'redis://cache:6379' });
    expect(env.WRENN_QUEUE_SHARDS).toBe(1);
    expect(redisTarget(env)).toEqual({ kind: 'server', url: 'redis://cache:6379' });
  });

  it('reads cluster seeds, and REDIS_URL is then not needed', () => {
    const env = parseEnv(schema, {
      WRENN_REDIS_CLUSTER_NODES: 'redis-0:6379, 10.0.0.7:7000,[::1]:7001',
      WRENN_QUEUE_SHARDS: '3',
    });
    expect(env.WRENN_QUEUE_SHARDS).toBe(3);
    expect(redisTarget(env)).toEqual({
      kind: 'cluster',
      tls: false,
      seeds: [
        { host: 'redis-0', port: 6379 },
        { host: '10.0.0.7', port: 7000 },
        { host: '::1', port: 7001 },
      ],
    });
    const tls = parseEnv(schema, { WRENN_REDIS_CLUSTER_NODES: 'rediss://cfg.cache.amazonaws.com:6379' });
    expect(redisTarget(tls)).toMatchObject({ tls: true, seeds: [{ host: 'cfg.cache.amazonaws.com', port: 6379 }] });
  });

  it("takes the cluster password from WRENN_REDIS_PASSWORD first, else from REDIS_URL's user info", () => {
    const seeds = { WRENN_REDIS_CLUSTER_NODES: 'redis-0:6379' };
    const fromUrl = parseEnv(schema, { ...seeds, REDIS_URL: 'redis://app:s%3Acret@ignored:6379' });
    expect(redisTarget(fromUrl)).toMatchObject({ username: 'app', password: 's:cret' });
    const both = parseEnv(schema, { ...seeds, REDIS_URL: 'redis://app:old@ignored:6379', WRENN_REDIS_PASSWORD: 'new' });
    expect(redisTarget(both)).toMatchObject({ username: 'app', password: 'new' });
    expect(redisTarget(parseEnv(schema, seeds))).not.toHaveProperty('password');
  });

  it('stops with one line naming the variable on bad seeds, a bad shard count or no Redis at all', () => {
    expect(refusal({ WRENN_REDIS_CLUSTER_NODES: 'redis-0' })).toBe(
      'WRENN_REDIS_CLUSTER_NODES must be a comma-separated list of host:port, "redis-0" is not one\n',
    );
    vi.restoreAllMocks();
    expect(refusal({ WRENN_REDIS_CLUSTER_NODES: 'a:1,b:99999' })).toBe(
      'WRENN_REDIS_CLUSTER_NODES must be a comma-separated list of host:port, "b:99999" is not one\n',
    );
    vi.restoreAllMocks();
    const withPassword = refusal({ WRENN_REDIS_CLUSTER_NODES: 'a:1,rediss://admin:hunter2-secret@b:2' });
    expect(withPassword).toBe(
      'WRENN_REDIS_CLUSTER_NODES must list host:port only; put the password in WRENN_REDIS_PASSWORD\n',
    );
    expect(withPassword).not.toContain('hunter2');
    vi.restoreAllMocks();
    expect(refusal({ WRENN_REDIS_CLUSTER_NODES: 'rediss://a:1,redis://b:2' })).toBe(
      'WRENN_REDIS_CLUSTER_NODES must use rediss:// for every node or for none\n',
    );
    vi.restoreAllMocks();
    expect(refusal({ REDIS_URL: 'redis://x', WRENN_QUEUE_SHARDS: '0' })).toBe(
      'WRENN_QUEUE_SHARDS must be an integer from 1 to 64\n',
    );
    vi.restoreAllMocks();
    expect(refusal({})).toBe(
      'REDIS_URL must be set to a Redis connection string (or set WRENN_REDIS_CLUSTER_NODES for a Redis Cluster)\n',
    );
  });
});

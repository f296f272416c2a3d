import { describe, expect, it } from 'vitest';
import { envVars, internalPortDiffers, serviceEnv } from '../src';

describe('WRENN_API_RATE_LIMIT', () => {
  const schema = envVars.pick({ WRENN_API_RATE_LIMIT: true });

  it('defaults to 1200 requests per team and minute', () => {
    expect(schema.parse({})).toEqual({ WRENN_API_RATE_LIMIT: 1200 });
    expect(schema.parse({ WRENN_API_RATE_LIMIT: '60' })).toEqual({ WRENN_API_RATE_LIMIT: 60 });
  });

  it.each(['0', '-5', '2.5', 'lots'])('refuses %s', (value) => {
    expect(schema.safeParse({ WRENN_API_RATE_LIMIT: value }).error?.issues[0]?.message).toBe(
      'must be a whole number from 1 to 1000000',
    );
  });
});

describe('WRENN_INTERNAL_PORT', () => {
  const schema = serviceEnv(8080)
    .extend(envVars.pick({ WRENN_INTERNAL_PORT: true }).shape)
    .superRefine(internalPortDiffers);
  const required = { DATABASE_URL: 'postgres://db', REDIS_URL: 'redis://redis', WRENN_ENCRYPTION_KEY: 'a'.repeat(64) };
  const issues = (env: Record<string, string>) =>
    schema.safeParse({ ...required, ...env }).error?.issues.map((i) => `${i.path.join('.')} ${i.message}`);

  it('is unset by default and takes a port of its own', () => {
    expect(schema.parse(required).WRENN_INTERNAL_PORT).toBeUndefined();
    expect(schema.parse({ ...required, WRENN_INTERNAL_PORT: '8090' }).WRENN_INTERNAL_PORT).toBe(8090);
  });

  it('must differ from PORT and WRENN_METRICS_PORT', () => {
    const line = ['WRENN_INTERNAL_PORT must differ from PORT and WRENN_METRICS_PORT'];
    expect(issues({ WRENN_INTERNAL_PORT: '8080' })).toEqual(line);
    expect(issues({ WRENN_INTERNAL_PORT: '9464', WRENN_METRICS_PORT: '9464' })).toEqual(line);
    expect(issues({ WRENN_INTERNAL_PORT: 'eighty' })).toEqual(['WRENN_INTERNAL_PORT must be a port number']);
  });
});

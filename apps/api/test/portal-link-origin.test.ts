import { createMetricsRegistry } from '@wrenn/runtime';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { createTestApi, newTeamId, newUserId, type TestApi } from './support/test-api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api.close();
});

const openSession = (app: TestApi['app'], headers: Record<string, string>) =>
  request(app)
    .post('/internal/v1/portal-sessions')
    .set('Authorization', `Bearer ${api.deps.internalToken}`)
    .set(headers)
    .send({ team_id: newTeamId(), user_id: newUserId(), role: 'owner' });

describe("the portal link's origin", () => {
  it.each([
    ['Host', { Host: 'attacker.example' }],
    ['X-Forwarded-Host', { 'X-Forwarded-Host': 'attacker.example', 'X-Forwarded-Proto': 'https' }],
  ])('never comes from the %s header: it is the address the API was reached on', async (_name, headers) => {
    const res = await openSession(api.app, headers);
    expect(res.status).toBe(201);
    expect(res.body.url).not.toContain('attacker.example');
    expect(res.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/portal\/#token=[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('is WRENN_PORTAL_PUBLIC_URL when set, whatever the Host header says', async () => {
    const app = createApp({
      ...api.deps,
      metrics: createMetricsRegistry('api'),
      portal: { dir: null, frameAncestors: "'self'", publicUrl: 'https://channels.example.com/portal' },
    });
    const res = await openSession(app, { Host: 'attacker.example' });
    expect(res.body.url).toMatch(/^https:\/\/channels\.example\.com\/portal\/#token=/);
  });
});

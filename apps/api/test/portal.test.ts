import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVIDER_NAMES, providers } from '@wrenn/providers';
import { createMetricsRegistry } from '@wrenn/runtime';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { loadApiEnv } from '../src/env';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, newTeamId, newUserId, type TestApi } from './support/test-api';

let api: TestApi;
let portalDir: string;

beforeAll(async () => {
  api = await createTestApi();
  portalDir = mkdtempSync(join(tmpdir(), 'wrenn-portal-'));
  mkdirSync(join(portalDir, 'assets'));
  writeFileSync(join(portalDir, 'index.html'), '<!doctype html><title>portal</title>');
  writeFileSync(join(portalDir, 'assets', 'index-abc123.js'), 'console.log(1)');
});
afterAll(async () => {
  await api.close();
});

const internal = () => ({ Authorization: `Bearer ${api.deps.internalToken}` });

async function openSession(body: Record<string, unknown>) {
  return request(api.app).post('/internal/v1/portal-sessions').set(internal()).send(body);
}

function tokenOf(url: string): string {
  const match = /#token=([^&]+)$/.exec(url);
  if (!match?.[1]) throw new Error(`no token in ${url}`);
  return match[1];
}

describe('POST /internal/v1/portal-sessions', () => {
  it('answers 201 with a /portal/ link whose fragment holds a one-hour portal token', async () => {
    const teamId = newTeamId();
    const userId = newUserId();
    const before = Date.now();
    const res = await openSession({ team_id: teamId, user_id: userId, role: 'admin' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['expires_at', 'url']);
    expect(res.body.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/portal\/#token=[\w-]+\.[\w-]+\.[\w-]+$/);
    const token = tokenOf(res.body.url);
    const claims = decodeJwt(token);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'portal' });
    expect(claims).toMatchObject({ typ: 'portal', sub: userId, team_id: teamId, role: 'admin' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
    const expires = Date.parse(res.body.expires_at);
    expect(expires).toBe((claims.exp as number) * 1000);
    expect(expires - before).toBeGreaterThan(3590_000);
    expect(expires - before).toBeLessThanOrEqual(3601_000);
  });

  it('gives a token /v1/* accepts for that team only', async () => {
    const teamId = newTeamId();
    const other = await createChannel(api, await api.token({ team_id: newTeamId() }));
    const own = await createChannel(api, await api.token({ team_id: teamId }));
    const res = await openSession({ team_id: teamId, user_id: newUserId(), role: 'member' });
    const auth = bearer(tokenOf(res.body.url));
    const list = await request(api.app).get('/v1/channels').set(auth);
    expect(list.status).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([own.id]);
    expect((await request(api.app).get(`/v1/channels/${other.id}`).set(auth)).status).toBe(404);
    expect((await request(api.app).get(`/v1/channels/${own.id}`).set(auth)).status).toBe(200);
  });

  it('carries user_name into the token, so the audit log shows who acted through the portal', async () => {
    const teamId = newTeamId();
    const userId = newUserId();
    const res = await openSession({ team_id: teamId, user_id: userId, role: 'owner', user_name: '  Ada Lovelace ' });
    expect(res.status).toBe(201);
    const token = tokenOf(res.body.url);
    expect(decodeJwt(token)).toMatchObject({ name: 'Ada Lovelace' });
    const created = await createChannel(api, token);
    const log = await request(api.app).get('/v1/audit-logs?resource_type=channel').set(bearer(token));
    expect(log.body.items).toEqual([
      expect.objectContaining({
        actor_type: 'user',
        actor_id: userId,
        actor_name: 'Ada Lovelace',
        resource_id: created.id,
        action: 'create',
      }),
    ]);
  });

  it('refuses a missing or wrong internal token, and a user token', async () => {
    const body = { team_id: newTeamId(), user_id: newUserId(), role: 'owner' };
    expect((await request(api.app).post('/internal/v1/portal-sessions').send(body)).status).toBe(401);
    const wrong = await request(api.app)
      .post('/internal/v1/portal-sessions')
      .set(bearer('x'.repeat(48)))
      .send(body);
    expect(wrong.status).toBe(401);
    const user = await request(api.app)
      .post('/internal/v1/portal-sessions')
      .set(bearer(await api.token()))
      .send(body);
    expect(user.status).toBe(401);
  });

  it.each([
    [{ team_id: 'team-nope', user_id: newUserId(), role: 'owner' }, /team_id/],
    [{ team_id: newTeamId(), user_id: 'usr-1', role: 'owner' }, /user_id/],
    [{ team_id: newTeamId(), user_id: newUserId(), role: 'root' }, /role/],
    [{ team_id: newTeamId(), user_id: newUserId() }, /role/],
    [{ team_id: newTeamId(), user_id: newUserId(), role: 'owner', scope: 'all' }, /unknown field scope/],
    [{ team_id: newTeamId(), user_id: newUserId(), role: 'owner', user_name: 42 }, /user_name/],
    [{ team_id: newTeamId(), user_id: newUserId(), role: 'owner', user_name: '   ' }, /user_name/],
    [{ team_id: newTeamId(), user_id: newUserId(), role: 'owner', user_name: 'A'.repeat(201) }, /user_name/],
    [{ team_id: newTeamId(), user_id: newUserId(), role: 'owner', user_name: 'Ada \ud800' }, /user_name/],
  ])('answers 400 for %j', async (body, message) => {
    const res = await openSession(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.message).toMatch(message);
  });

  it('uses WRENN_PORTAL_PUBLIC_URL for the link when set', async () => {
    const app = createApp({
      ...api.deps,
      metrics: createMetricsRegistry('api'),
      portal: { dir: null, frameAncestors: "'self'", publicUrl: 'https://channels.example.com/portal/' },
    });
    const res = await request(app)
      .post('/internal/v1/portal-sessions')
      .set(internal())
      .send({ team_id: newTeamId(), user_id: newUserId(), role: 'owner' });
    expect(res.body.url).toMatch(/^https:\/\/channels\.example\.com\/portal\/#token=/);
  });
});

describe('portal tokens on /v1/*', () => {
  const sign = (claims: Record<string, unknown>, lifetimeS: number, headerTyp = 'portal') => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ typ: 'portal', team_id: newTeamId(), role: 'owner', ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: headerTyp })
      .setSubject(newUserId())
      .setIssuedAt(now)
      .setExpirationTime(now + lifetimeS)
      .sign(new TextEncoder().encode(api.deps.jwtSecret));
  };

  it('refuses a portal token that claims more than one hour', async () => {
    const res = await request(app())
      .get('/v1/channels')
      .set(bearer(await sign({}, 7200)));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/one hour/);
    const ok = await request(app())
      .get('/v1/channels')
      .set(bearer(await sign({}, 3600)));
    expect(ok.status).toBe(200);
  });

  it('refuses an expired portal token with a message that says so', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ typ: 'portal', team_id: newTeamId(), role: 'owner' })
      .setProtectedHeader({ alg: 'HS256', typ: 'portal' })
      .setSubject(newUserId())
      .setIssuedAt(now - 3700)
      .setExpirationTime(now - 100)
      .sign(new TextEncoder().encode(api.deps.jwtSecret));
    const res = await request(app()).get('/v1/channels').set(bearer(token));
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('token expired');
  });

  const app = () => api.app;
});

describe('GET /v1/providers', () => {
  it('describes every provider and exactly its config keys', async () => {
    const res = await request(api.app)
      .get('/v1/providers')
      .set(bearer(await api.token()));
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { name: string }) => p.name)).toEqual([...PROVIDER_NAMES]);
    for (const item of res.body.items as Array<{ name: (typeof PROVIDER_NAMES)[number]; fields: any[] }>) {
      const { required, optional, oneOf = [] } = providers[item.name].configKeys;
      expect(item.fields.map((f) => f.key).sort()).toEqual([...required, ...optional, ...oneOf.flat()].sort());
      for (const field of item.fields) {
        const inForm = oneOf.some((keys) => keys.includes(field.key));
        expect(Object.keys(field).sort()).toEqual(
          ['help', 'key', 'label', 'placeholder', 'required', 'secret', 'where', ...(inForm ? ['form'] : [])].sort(),
        );
      }
    }
    const slack = res.body.items.find((p: { name: string }) => p.name === 'slack');
    expect(slack.label).toBe('Slack');
    expect(slack.fields[0]).toMatchObject({
      key: 'webhook_url',
      required: false,
      secret: true,
      form: 'Incoming webhook',
    });
    expect(slack.fields[0].where).toMatch(/Incoming Webhooks → Add New Webhook to Workspace/);
    expect(slack.fields.slice(1)).toMatchObject([
      { key: 'bot_token', secret: true, form: 'Slack app' },
      { key: 'channel_id', secret: false, form: 'Slack app' },
    ]);
  });

  it('needs a token', async () => {
    expect((await request(api.app).get('/v1/providers')).status).toBe(401);
  });

  it('is documented in /openapi.json with the portal session route', async () => {
    const doc = (await request(api.app).get('/openapi.json')).body;
    const item = doc.paths['/v1/providers'].get.responses['200'].content['application/json'].schema;
    expect(item.properties.items.items.properties.fields.items.required).toEqual(
      expect.arrayContaining(['key', 'label', 'required', 'secret', 'placeholder', 'help', 'where']),
    );
    expect(doc.paths['/internal/v1/portal-sessions'].post.responses['201']).toBeDefined();
    expect(doc.paths['/portal/'].get.responses['200']).toBeDefined();
  });
});

describe('GET /portal/', () => {
  const portalApp = (frameAncestors = "'self'") =>
    createApp({ ...api.deps, metrics: createMetricsRegistry('api'), portal: { dir: portalDir, frameAncestors } });

  it('serves the page with a strict CSP whose frame-ancestors is configured', async () => {
    const res = await request(portalApp("'self' https://dashboard.example.com")).get('/portal/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<title>portal</title>');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("frame-ancestors 'self' https://dashboard.example.com");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!dashboard\.example\.com)/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBeUndefined();
  });

  it("defaults frame-ancestors to 'self' and caches hashed assets for good", async () => {
    const app = portalApp();
    const page = await request(app).get('/portal/');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(page.headers['cache-control']).not.toMatch(/immutable/);
    const asset = await request(app).get('/portal/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    expect((await request(app).get('/portal/assets/missing.js')).status).toBe(404);
  });

  it('answers 503 with how to build it when the portal was not built', async () => {
    const res = await request(api.app).get('/portal/');
    expect(res.status).toBe(503);
    expect(res.text).toMatch(/pnpm build/);
  });

  it('reads WRENN_PORTAL_FRAME_ANCESTORS from the environment', () => {
    const base = {
      DATABASE_URL: 'postgres://x',
      REDIS_URL: 'redis://x',
      WRENN_ENCRYPTION_KEY: 'a'.repeat(64),
      WRENN_JWT_SECRET: 'j'.repeat(32),
      WRENN_INTERNAL_TOKEN: 'i'.repeat(32),
    };
    expect(loadApiEnv(base).WRENN_PORTAL_FRAME_ANCESTORS).toBe("'self'");
    expect(
      loadApiEnv({ ...base, WRENN_PORTAL_FRAME_ANCESTORS: 'https://dash.example.com' }).WRENN_PORTAL_FRAME_ANCESTORS,
    ).toBe('https://dash.example.com');
  });
});

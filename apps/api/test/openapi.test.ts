import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildRoutes } from '../src/app';
import type { AnyRouteSpec } from '../src/http/route';
import { bearer, channelBody, createChannel, VALID_CONFIGS } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

let api: TestApi;
let routes: AnyRouteSpec[];
let doc: {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses: Record<string, unknown>;
        parameters: Array<{ name: string; in: string }>;
      }
    >
  >;
};

beforeAll(async () => {
  api = await createTestApi();
  routes = buildRoutes(api.deps).routes;
  const res = await request(api.app).get('/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(async () => {
  await api.close();
});

const openApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

function route(method: string, path: string): AnyRouteSpec {
  const found = routes.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path}`);
  return found;
}

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 and documents every registered route with its schemas', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(routes.length).toBeGreaterThanOrEqual(9);
    for (const spec of routes) {
      const operation = doc.paths[openApiPath(spec.path)]?.[spec.method];
      expect(operation, `${spec.method} ${spec.path}`).toBeDefined();
      if (!operation) continue;
      if (spec.body) {
        const { $schema: _drop, ...generated } = z.toJSONSchema(spec.body, { io: 'input', unrepresentable: 'any' });
        expect(operation.requestBody?.content['application/json']?.schema).toEqual(generated);
      }
      for (const status of Object.keys(spec.responses)) expect(operation.responses).toHaveProperty(status);
      const pathParams = [...spec.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1]);
      expect(operation.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams);
    }
  });

  it('documents every channel route and the audit log', () => {
    const expected = [
      ['post', '/v1/channels'],
      ['get', '/v1/channels'],
      ['get', '/v1/channels/{id}'],
      ['patch', '/v1/channels/{id}'],
      ['put', '/v1/channels/{id}/config'],
      ['delete', '/v1/channels/{id}'],
      ['post', '/v1/channels/test'],
      ['post', '/v1/channels/{id}/test'],
      ['get', '/v1/audit-logs'],
    ];
    for (const [method, path] of expected) expect(doc.paths[path as string], path).toHaveProperty(method as string);
  });

  it('documents the request body exactly as the route validates it', () => {
    const create = route('post', '/v1/channels');
    const documented = doc.paths['/v1/channels']?.post?.requestBody?.content['application/json']?.schema as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }>;
    };
    const { $schema: _drop, ...generated } = z.toJSONSchema(create.body as z.ZodType, {
      io: 'input',
      unrepresentable: 'any',
    });
    expect(documented).toEqual(generated);
    expect(documented.required.sort()).toEqual(['config', 'events', 'name', 'provider']);
    expect(documented.additionalProperties).toBe(false);
    expect(documented.properties.provider?.enum).toHaveLength(7);
    // Event types or patterns, checked by the route; the description names both.
    const events = documented.properties.events as { items?: { type?: string; description?: string } };
    expect(events.items?.type).toBe('string');
    expect(events.items?.description).toContain('host.down');
    expect(events.items?.description).toContain('`template.snapshot.*`');
  });

  it('documents the channel and audit responses', () => {
    const channel = doc.paths['/v1/channels/{id}']?.get?.responses['200'] as {
      content: Record<string, { schema: { properties: Record<string, unknown> } }>;
    };
    expect(Object.keys(channel.content['application/json']?.schema.properties ?? {}).sort()).toEqual([
      'config_fields',
      'created_at',
      'disabled_reason',
      'enabled',
      'events',
      'filter',
      'id',
      'message_style',
      'name',
      'provider',
      'quiet_hours',
      'team_id',
      'updated_at',
    ]);
    const audit = doc.paths['/v1/audit-logs']?.get;
    expect(audit?.parameters.map((p) => p.name).sort()).toEqual(['action', 'before', 'limit', 'resource_type']);
  });

  it('serves the docs page', async () => {
    const res = await request(api.app).get('/docs/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const init = await request(api.app).get('/docs/init.js');
    expect(init.text).toContain('/openapi.json');
  });
});

describe('the documented schemas reject exactly what the routes reject', () => {
  const createBodies: unknown[] = [
    channelBody(),
    channelBody({ name: 'Upper Case Name' }),
    channelBody({ provider: 'telegram', config: VALID_CONFIGS.telegram }),
    { ...channelBody(), extra: 1 },
    { ...channelBody(), name: '' },
    { ...channelBody(), name: 7 },
    { ...channelBody(), events: [] },
    { ...channelBody(), events: ['channel.test'] },
    { ...channelBody(), provider: 'irc' },
    { ...channelBody(), config: { url: 'nope' } },
    { ...channelBody(), config: { url: 'https://x.example.com', token: 'x' } },
    { ...channelBody({ provider: 'slack' }), config: {} },
    { ...channelBody(), config: [] },
    [],
    'string',
    42,
    null,
  ];

  it('POST /v1/channels', async () => {
    const schema = route('post', '/v1/channels').body as z.ZodType;
    for (const body of createBodies) {
      const res = await request(api.app)
        .post('/v1/channels')
        .set(bearer(await api.token()))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      const accepted = schema.safeParse(body).success;
      expect(res.status, JSON.stringify(body)).toBe(accepted ? 201 : 400);
    }
  });

  it('PATCH /v1/channels/{id} and PUT /v1/channels/{id}/config', async () => {
    const token = await api.token();
    const channel = await createChannel(api, token);
    const patch = route('patch', '/v1/channels/:id').body as z.ZodType;
    const patches: unknown[] = [
      {},
      { name: 'renamed' },
      { enabled: 'no' },
      { enabled: true },
      { events: ['host.up'] },
      { id: 'x' },
      { config: {} },
      [],
    ];
    for (const body of patches) {
      const res = await request(api.app)
        .patch(`/v1/channels/${channel.id}`)
        .set(bearer(token))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(body));
      expect(res.status, JSON.stringify(body)).toBe(patch.safeParse(body).success ? 200 : 400);
    }
    const put = route('put', '/v1/channels/:id/config').body as z.ZodType;
    for (const body of [{}, { config: 'x' }, { config: { url: 5 } }, { config: {}, extra: true }, { secret: 'x' }]) {
      expect(put.safeParse(body).success, JSON.stringify(body)).toBe(false);
      const res = await request(api.app).put(`/v1/channels/${channel.id}/config`).set(bearer(token)).send(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('path and query parameters', async () => {
    const params = route('get', '/v1/channels/:id').params as z.ZodType;
    const query = route('get', '/v1/audit-logs').query as z.ZodType;
    const token = await api.token();
    for (const id of ['x', 'ch-123', `ch-${'a'.repeat(25)}`, `ch-${'z'.repeat(25)}`]) {
      const res = await request(api.app).get(`/v1/channels/${id}`).set(bearer(token));
      expect(res.status, id).toBe(params.safeParse({ id }).success ? 404 : 400);
    }
    for (const q of [
      {},
      { limit: '0' },
      { limit: '10' },
      { before: 'log-x' },
      { action: '' },
      { resource_type: 'channel' },
    ]) {
      const res = await request(api.app).get('/v1/audit-logs').query(q).set(bearer(token));
      expect(res.status, JSON.stringify(q)).toBe(query.safeParse(q).success ? 200 : 400);
    }
  });
});

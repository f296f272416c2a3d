import { type AddressInfo, connect } from 'node:net';
import { createMetricsRegistry } from '@wrenn/runtime';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createInternalApp } from '../src/app';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

let api: TestApi;

beforeAll(async () => {
  api = await createTestApi();
});
afterAll(async () => {
  await api.close();
});

/** 500,000 nested brackets: about 200 ms of JSON.parse, which nobody without the token may cost us. */
const NESTED = `${'['.repeat(500_000)}${']'.repeat(500_000)}`;

/**
 * Sends the headers of a 1 MB JSON request and only the first 64 KB of its
 * body, then waits: a server that reads the body before checking the token
 * never answers (it waits for the rest), one that checks the token first does.
 */
async function answerToPartialBody(path: string, authorization: string | null): Promise<string> {
  const server = api.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const socket = connect(port, '127.0.0.1');
  try {
    return await new Promise<string>((resolve, reject) => {
      let answer = '';
      const timer = setTimeout(() => reject(new Error('no answer before the body was complete')), 3_000);
      socket.on('data', (chunk) => {
        answer += chunk.toString('utf8');
        if (answer.includes('\r\n\r\n')) {
          clearTimeout(timer);
          resolve(answer);
        }
      });
      socket.on('error', reject);
      socket.write(
        [
          `POST ${path} HTTP/1.1`,
          `Host: 127.0.0.1:${port}`,
          'Content-Type: application/json',
          `Content-Length: ${NESTED.length}`,
          ...(authorization ? [`Authorization: ${authorization}`] : []),
          '',
          '',
        ].join('\r\n'),
      );
      socket.write(NESTED.slice(0, 64 * 1024));
    });
  } finally {
    socket.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('/internal/* without the internal token', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'Bearer not-the-internal-token'],
  ])('is refused before its body is read (%s)', async (_what, authorization) => {
    for (const path of ['/internal/v1/audit', '/internal/v1/portal-sessions']) {
      const answer = await answerToPartialBody(path, authorization);
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    }
  });

  it('refuses a 1 MB body of nested brackets with 401, without parsing it', async () => {
    const started = performance.now();
    const res = await request(api.app)
      .post('/internal/v1/audit')
      .set('Authorization', 'Bearer not-the-internal-token')
      .set('Content-Type', 'application/json')
      .send(NESTED);
    const ms = performance.now() - started;
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    console.log(`1 MB nested body refused in ${ms.toFixed(1)} ms`);
  });

  it('still reads the body of a request that carries the token', async () => {
    const res = await request(api.app)
      .post('/internal/v1/audit')
      .set('Authorization', `Bearer ${api.deps.internalToken}`)
      .set('Content-Type', 'application/json')
      .send('{"team_id":');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not valid JSON/);
  });
});

describe('a port of its own for /internal/* (WRENN_INTERNAL_PORT)', () => {
  const internal = () => ({ Authorization: `Bearer ${api.deps.internalToken}` });
  const entry = () => ({ team_id: newTeamId(), actor: { type: 'system' }, resource_type: 'host', action: 'noted' });

  it('serves /internal/* there, and only there', async () => {
    const metrics = createMetricsRegistry('api');
    const main = createApp({ ...api.deps, metrics }, { internalRoutes: false });
    const internalApp = createInternalApp({ ...api.deps, metrics });

    const onMain = await request(main).post('/internal/v1/audit').set(internal()).send(entry());
    expect(onMain.status).toBe(404);
    expect(
      (
        await request(main)
          .get('/v1/event-types')
          .set('Authorization', `Bearer ${await api.token()}`)
      ).status,
    ).toBe(200);

    const accepted = await request(internalApp).post('/internal/v1/audit').set(internal()).send(entry());
    expect(accepted.status).toBe(202);
    expect((await request(internalApp).post('/internal/v1/audit').send(entry())).status).toBe(401);
    const v1 = await request(internalApp)
      .get('/v1/event-types')
      .set('Authorization', `Bearer ${await api.token()}`);
    expect(v1.status).toBe(404);
    expect((await request(internalApp).get('/docs/')).status).toBe(404);
  });
});

import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createSecretBox } from '@wrenn/crypto';
import { newId, parseId } from '@wrenn/events';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requestIdOf } from '../src/http/access-log';
import { bearer, createChannel } from './support/channel-fixtures';
import { createTestApi, newTeamId, type TestApi } from './support/test-api';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  method?: string;
  path?: string;
  status?: number;
  durationMs?: number;
  err?: { type: string; message: string; stack?: string };
}

let api: TestApi;
let raw: string[] = [];
const lines = () => raw.map((l) => JSON.parse(l) as LogLine);
const accessLines = () => lines().filter((l) => l.msg === 'request');

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  api = await createTestApi({ logLevel: 'info', logDestination: sink });
});

afterAll(async () => {
  await api?.close();
});

beforeEach(() => {
  raw = [];
});

/** Log lines are written on `finish`, after supertest has its answer: wait for the line to land. */
async function accessLineFor(id: string): Promise<LogLine[]> {
  for (let i = 0; i < 50 && !accessLines().some((l) => l.reqId === id); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return accessLines().filter((l) => l.reqId === id);
}

describe('X-Request-Id', () => {
  it('answers every response with a fresh id when the caller sends none', async () => {
    const first = await request(api.app).get('/health');
    const second = await request(api.app).get('/no-such-route');
    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.status).toBe(404);
    expect(second.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('echoes a sane incoming id', async () => {
    const res = await request(api.app).get('/health').set('X-Request-Id', 'lb-7f3a.9_x');
    expect(res.headers['x-request-id']).toBe('lb-7f3a.9_x');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'a b'],
    ['with a newline-like character', 'abc%0d%0aSet-Cookie'],
    ['with a quote', 'abc"def'],
  ])('replaces an id %s', async (_what, sent) => {
    const res = await request(api.app).get('/health').set('X-Request-Id', sent);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps exactly 128 characters of the allowed alphabet', () => {
    const longest = `${'A'.repeat(64)}${'z9._-'.repeat(12)}abcd`;
    expect(longest).toHaveLength(128);
    expect(requestIdOf(longest)).toBe(longest);
    expect(requestIdOf(['a', 'b'])).not.toBe('a');
  });
});

describe('access log', () => {
  it('writes one line per request with method, path, status, duration and request id', async () => {
    const token = await api.token();
    const res = await request(api.app)
      .get('/v1/channels?limit=5&access_token=query-secret-value')
      .set(bearer(token))
      .set('X-Request-Id', 'req-list-1');
    expect(res.status).toBe(200);
    const [line, ...more] = await accessLineFor('req-list-1');
    expect(more).toEqual([]);
    expect(line).toMatchObject({ level: 30, method: 'GET', path: '/v1/channels', status: 200, reqId: 'req-list-1' });
    expect(line?.durationMs).toBeGreaterThanOrEqual(0);
    const text = raw.join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain('query-secret-value');
    expect(text.toLowerCase()).not.toContain('authorization');
  });

  it('leaves request bodies out', async () => {
    const token = await api.token();
    await createChannel(api, token, { name: 'body-marker-channel' });
    const res = await request(api.app)
      .post('/v1/channels')
      .set(bearer(token))
      .set('X-Request-Id', 'req-bad-body')
      .send({ name: 'body-marker-invalid', provider: 'nope', config: { url: 'https://body-marker.example' } });
    expect(res.status).toBe(400);
    const [line] = await accessLineFor('req-bad-body');
    expect(line).toMatchObject({ method: 'POST', path: '/v1/channels', status: 400 });
    expect(raw.join('\n')).not.toContain('body-marker');
  });

  it('logs a 500 once with the stack under the same request id, and an access line', async () => {
    const token = await api.token({ team_id: newTeamId() });
    const teamId = parseId('team', JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).team_id);
    // A config sealed under a key this API does not hold: opening it throws.
    const foreign = createSecretBox({ key: randomBytes(32).toString('hex') });
    const { id, uuid } = newId('channel');
    await api.deps.db
      .insertInto('channels')
      .values({
        id: uuid,
        team_id: teamId as string,
        name: 'foreign-key',
        provider: 'webhook',
        config: JSON.stringify({ url: foreign.encrypt('https://hooks.example.com/x') }),
        event_types: ['host.up'],
      })
      .execute();
    const res = await request(api.app)
      .post(`/v1/channels/${id}/test`)
      .set(bearer(token))
      .set('X-Request-Id', 'req-boom');
    expect(res.status).toBe(500);
    const [access] = await accessLineFor('req-boom');
    expect(access).toMatchObject({ level: 40, method: 'POST', path: `/v1/channels/${id}/test`, status: 500 });
    const errors = lines().filter((l) => l.msg === 'unhandled error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.reqId).toBe('req-boom');
    expect(errors[0]?.err?.stack).toMatch(/\n\s+at /);
    expect(raw.join('\n')).not.toContain(token);
  });
});

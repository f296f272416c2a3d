import { newId } from '@wrenn/events';
import { type FakeWebhookReceiver, startFakeWebhookReceiver } from '@wrenn/testing';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRoutes } from '../src/app';
import type { AnyRouteSpec } from '../src/http/route';
import { createChannel } from './support/channel-fixtures';
import { createTestApi, type TestApi } from './support/test-api';

// Random bodies, headers and tokens against every registered route: whatever
// a client sends, the answer is never a 5xx.

let api: TestApi;
let routes: AnyRouteSpec[];
let receiver: FakeWebhookReceiver;
let ownToken: string;
let channelId: string;

beforeAll(async () => {
  api = await createTestApi({ providerSettings: { timeoutMs: 1_000 } });
  routes = buildRoutes(api.deps).routes;
  receiver = await startFakeWebhookReceiver();
  ownToken = await api.token();
  channelId = (await createChannel(api, ownToken, { provider: 'webhook', config: { url: receiver.url } })).id;
});
afterAll(async () => {
  await receiver.close();
  await api.close();
});

const printable = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...' !"#$%&\'()*+,-./0123456789:;<=>?@ABCZabcz[\\]^_`{|}~'), maxLength });

const pathValue = () =>
  fc.oneof(
    fc.constant('CHANNEL'),
    fc.constant(newId('channel').id),
    fc.constant(newId('delivery').id),
    fc.constant(`ch-${'z'.repeat(25)}`),
    fc.constant('%E0%A4%A'),
    fc.constant('%00'),
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
  );

type Authorization =
  | { kind: 'none' }
  | { kind: 'header'; value: string }
  | { kind: 'own' }
  | { kind: 'internal' }
  | { kind: 'apiKey'; value: string };

const authorization = (): fc.Arbitrary<Authorization> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant<Authorization>({ kind: 'own' }) },
    { weight: 1, arbitrary: fc.constant<Authorization>({ kind: 'none' }) },
    { weight: 1, arbitrary: fc.constant<Authorization>({ kind: 'internal' }) },
    { weight: 1, arbitrary: printable(60).map<Authorization>((value) => ({ kind: 'header', value })) },
    {
      weight: 1,
      arbitrary: printable(60).map<Authorization>((value) => ({ kind: 'header', value: `Bearer ${value}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.base64String({ maxLength: 40 }),
          fc.base64String({ maxLength: 80 }),
          fc.base64String({ maxLength: 40 }),
        )
        .map<Authorization>(([a, b, c]) => ({ kind: 'header', value: `Bearer ${a}.${b}.${c}`.replaceAll('=', '') })),
    },
    { weight: 1, arbitrary: printable(40).map<Authorization>((value) => ({ kind: 'apiKey', value })) },
  );

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string; text: string }
  | { kind: 'bytes'; contentType: string; bytes: Uint8Array };

const contentType = () =>
  fc.oneof(
    fc.constant('application/json'),
    fc.constant('application/json; charset=utf-8'),
    fc.constant('application/json; charset=latin1'),
    fc.constant('application/merge-patch+json'),
    fc.constant('text/plain'),
    fc.constant('application/x-www-form-urlencoded'),
    fc.constant('multipart/form-data; boundary=x'),
    printable(30),
  );

/** Bodies shaped like the routes' own, with random values, to get past the outer checks. */
const nearlyValid = () =>
  fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue()),
      provider: fc.oneof(
        fc.constantFrom('discord', 'slack', 'teams', 'googlechat', 'telegram', 'matrix', 'webhook'),
        fc.jsonValue(),
      ),
      config: fc.oneof(
        fc.dictionary(
          fc.constantFrom(
            'url',
            'secret',
            'webhook_url',
            'bot_token',
            'chat_id',
            'homeserver_url',
            'access_token',
            'room_id',
            'thread_id',
            '__proto__',
            'constructor',
          ),
          fc.oneof(fc.string(), fc.jsonValue()),
        ),
        fc.jsonValue(),
      ),
      events: fc.oneof(
        fc.array(fc.constantFrom('capsule.created', 'host.down', 'channel.test', 'nope')),
        fc.jsonValue(),
      ),
      enabled: fc.oneof(fc.boolean(), fc.jsonValue()),
      team_id: fc.oneof(fc.constant(newId('team').id), fc.string()),
      actor: fc.oneof(
        fc.record({ type: fc.constantFrom('user', 'system', 'x'), id: fc.string(), name: fc.string() }),
        fc.jsonValue(),
      ),
      resource_type: fc.oneof(fc.constantFrom('sandbox', 'host'), fc.string()),
      action: fc.oneof(fc.constantFrom('create', 'marked_down'), fc.string()),
      metadata: fc.jsonValue(),
    },
    { requiredKeys: [] },
  );

const body = (): fc.Arbitrary<Body> =>
  fc.oneof(
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    { weight: 3, arbitrary: fc.jsonValue().map<Body>((value) => ({ kind: 'json', value })) },
    { weight: 3, arbitrary: nearlyValid().map<Body>((value) => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.array(nearlyValid(), { maxLength: 3 }).map<Body>((value) => ({ kind: 'json', value })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(contentType(), fc.string({ maxLength: 200 }))
        .map<Body>(([ct, text]) => ({ kind: 'raw', contentType: ct, text })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(contentType(), fc.uint8Array({ maxLength: 200 }))
        .map<Body>(([ct, bytes]) => ({ kind: 'bytes', contentType: ct, bytes })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom('application/json', 'text/plain'), fc.integer({ min: 60_000, max: 1_100_000 }))
        .map<Body>(([ct, size]) => ({
          kind: 'raw',
          contentType: ct,
          text: JSON.stringify({ name: 'x'.repeat(size) }),
        })),
    },
  );

const query = () =>
  fc.dictionary(
    fc.constantFrom('limit', 'before', 'resource_type', 'action', 'x', 'limit[]', '__proto__'),
    fc.string({ maxLength: 30 }),
    { maxKeys: 4 },
  );

describe('random requests', () => {
  it('never get a 5xx from any route', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 1000 }),
        fc.array(pathValue(), { minLength: 2, maxLength: 2 }),
        authorization(),
        body(),
        query(),
        fc.dictionary(
          fc.constantFrom('x-request-id', 'accept', 'accept-encoding', 'content-encoding', 'x-forwarded-for'),
          printable(20),
          { maxKeys: 2 },
        ),
        async (pick, [first, second], auth, payload, q, extraHeaders) => {
          const spec = routes[pick % routes.length] as AnyRouteSpec;
          const path = spec.path
            .replace(':id', first === 'CHANNEL' ? channelId : (first as string))
            .replace(':dlv', second === 'CHANNEL' ? newId('delivery').id : (second as string));
          let req = request(api.app)[spec.method](path).query(q);
          for (const [name, value] of Object.entries(extraHeaders)) req = req.set(name, value);
          if (auth.kind === 'own') req = req.set('Authorization', `Bearer ${ownToken}`);
          if (auth.kind === 'internal') req = req.set('Authorization', `Bearer ${api.deps.internalToken}`);
          if (auth.kind === 'header') req = req.set('Authorization', auth.value);
          if (auth.kind === 'apiKey') req = req.set('X-API-Key', auth.value);
          if (payload.kind === 'json')
            req = req.set('Content-Type', 'application/json').send(JSON.stringify(payload.value));
          if (payload.kind === 'raw') req = req.set('Content-Type', payload.contentType).send(payload.text);
          if (payload.kind === 'bytes')
            req = req.set('Content-Type', payload.contentType).send(Buffer.from(payload.bytes));
          const res = await req;
          statuses.add(res.status);
          expect(
            res.status,
            `${spec.method.toUpperCase()} ${path} → ${res.status} ${res.text.slice(0, 300)}`,
          ).toBeLessThan(500);
          if (res.status >= 400)
            expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
        },
      ),
      { numRuns: 2_500, interruptAfterTimeLimit: 20_000 },
    );
    // The runs reached the handlers, not only the outer checks.
    for (const status of [200, 400, 401, 404, 413, 415]) expect(statuses, [...statuses].join(',')).toContain(status);
  }, 60_000);

  it('never get a 5xx for tokens with random claims', async () => {
    const claim = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { sub: claim, team_id: claim, role: claim, email: claim, name: claim, is_admin: claim },
          { requiredKeys: [] },
        ),
        fc.nat({ max: 100 }),
        async (claims, pick) => {
          const token = await new SignJWT(claims as Record<string, unknown>)
            .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
            .setIssuedAt()
            .setExpirationTime('1h')
            .sign(new TextEncoder().encode(api.deps.jwtSecret));
          const spec = routes.filter((r) => r.auth === 'user')[
            pick % routes.filter((r) => r.auth === 'user').length
          ] as AnyRouteSpec;
          const res = await request(api.app)
            [spec.method](spec.path.replace(':id', channelId).replace(':dlv', newId('delivery').id))
            .set('Authorization', `Bearer ${token}`);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 300, interruptAfterTimeLimit: 5_000 },
    );
  });
});

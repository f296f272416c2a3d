import { formatId, newId, parseId } from '@wrenn/events';
import type { ProviderName } from '@wrenn/providers';
import {
  FAKE_TELEGRAM_TOKEN,
  type ScriptedResponse,
  startFakeServer,
  startFakeWebhookReceiver,
  waitFor,
} from '@wrenn/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

type Answer = Exclude<ScriptedResponse, 'hang'> & { body: string | Uint8Array };

/** Where each provider's requests arrive on the one loopback destination. */
const ROUTES: ReadonlyArray<[ProviderName, string]> = [
  ['webhook', '/hook'],
  ['discord', '/discord/'],
  ['slack', '/services/'],
  ['teams', '/workflows/'],
  ['googlechat', '/v1/spaces/'],
  ['telegram', '/bot'],
  ['matrix', '/_matrix/'],
];

/** A body that answers with what was sent: the request's URL, credentials and body echoed back. */
const ECHO = '\u0000echo';
const FIELD = fc.constantFrom('ok', 'error', 'description', 'errcode', 'code', 'message', 'retry_after', 'parameters');
/** Whatever a destination might say: text with every kind of character, raw bytes, JSON that looks like an API error. */
const body = fc.oneof(
  fc.constant(ECHO),
  fc.string({ unit: 'binary', maxLength: 700 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.uint8Array({ maxLength: 700 }),
  fc
    .dictionary(FIELD, fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.integer(), fc.boolean()), {
      maxKeys: 4,
    })
    .map((o) => JSON.stringify(o)),
);
// Rate-limit headers stay short: the property is about what gets stored, not about waiting.
const headers = fc.dictionary(
  fc.constantFrom('content-type', 'retry-after', 'x-anything', 'location', 'www-authenticate'),
  fc.oneof(
    fc.constantFrom(
      'application/json',
      'text/plain; charset=latin1',
      'text/html',
      '0',
      '1',
      'Wed, 21 Oct 2015 07:28:00 GMT',
    ),
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '=', ';', ' ', '\u00e9'), maxLength: 30 }),
  ),
  { maxKeys: 3 },
);
const answer: fc.Arbitrary<Answer> = fc.record({
  status: fc.oneof(
    fc.constantFrom(200, 204, 301, 400, 401, 403, 404, 410, 413, 429, 500, 502),
    fc.integer({ min: 200, max: 599 }),
  ),
  headers,
  body,
});

let pipeline: Pipeline;
let answers = new Map<ProviderName, Answer>();
const channels = new Map<ProviderName, { uuid: string }>();
let witnesses: Array<{ uuid: string }> = [];
let team = '';
const closers: Array<() => Promise<unknown>> = [];
let witness: Awaited<ReturnType<typeof startFakeWebhookReceiver>>;

beforeAll(async () => {
  const destination = await startFakeServer((req, res) => {
    const provider = ROUTES.find(([, prefix]) => req.url.startsWith(prefix))?.[0];
    const scripted = provider && answers.get(provider);
    if (!scripted) {
      res.writeHead(404).end();
      return;
    }
    const text =
      scripted.body === ECHO
        ? `you sent ${req.url} with ${req.headers.authorization ?? 'no authorization'}: ${req.body}`
        : scripted.body;
    const raw = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
    res.writeHead(scripted.status, scripted.headers);
    res.end(raw);
  });
  witness = await startFakeWebhookReceiver();
  closers.push(
    () => destination.close(),
    () => witness.close(),
  );
  pipeline = await createPipeline({
    retryDelays: [],
    providerSettings: {
      discordApiBase: `${destination.origin}/discord/api`,
      slackApiBase: destination.origin,
      teamsApiBase: destination.origin,
      googleChatApiBase: destination.origin,
      telegramApiBase: destination.origin,
      timeoutMs: 3_000,
    },
  });
  closers.push(() => pipeline.close());
  team = newId('team').id;
  const configs: Record<ProviderName, Record<string, string>> = {
    webhook: { url: `${destination.origin}/hook`, secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI=' },
    discord: { webhook_url: `https://discord.com/api/webhooks/123456789012345678/${'t'.repeat(68)}` },
    slack: { webhook_url: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX' },
    teams: {
      webhook_url:
        'https://prod-12.westeurope.logic.azure.com:443/workflows/0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sig=abc',
    },
    googlechat: { webhook_url: 'https://chat.googleapis.com/v1/spaces/AAAA/messages?key=k0123&token=t0123' },
    telegram: { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: '-100123' },
    matrix: { homeserver_url: destination.origin, access_token: 'syt_secret_token', room_id: '!room:example.org' },
  };
  for (const [provider] of ROUTES) {
    channels.set(
      provider,
      await pipeline.createChannel({ teamId: team, provider, config: configs[provider], events: ['capsule.created'] }),
    );
  }
  // Healthy neighbours whose deliveries share batches with the fuzzed ones.
  witnesses = await Promise.all(
    Array.from({ length: 6 }, () =>
      pipeline.createChannel({ teamId: team, config: { url: witness.url }, events: ['capsule.created'] }),
    ),
  );
  // A 429 pauses its destination without using an attempt; a destination that never stops
  // answering 429 is given up on after the rate-limit wait.
  // Rounds follow each other faster than the chat providers' published rates: pacing is left
  // out here (it has its own tests), so a round never waits on an earlier round's messages.
  const unpaced = Object.fromEntries(ROUTES.map(([provider]) => [provider, { windows: [] }]));
  pipeline.startWorker({ concurrency: 32, maxRateLimitWaitMs: 1_000, pacing: unpaced });
}, 30_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

const UNPRINTABLE = /[\p{Cc}\p{Cf}]/u;

it('whatever a destination answers, every delivery settles with a printable error and no neighbour is sent twice', async () => {
  const secrets = [
    'syt_secret_token',
    FAKE_TELEGRAM_TOKEN,
    't'.repeat(68),
    'XXXXXXXXXXXXXXXXXXXXXXXX',
    'k0123',
    't0123',
  ];
  let round = 0;
  let echoed = 0;
  await fc.assert(
    fc.asyncProperty(fc.tuple(...ROUTES.map(() => answer)), async (drawn) => {
      round++;
      // A channel disabled by an earlier round's answer would get no delivery of this one.
      await pipeline.db
        .updateTable('channels')
        .set({ enabled: true, disabled_reason: null })
        .where('team_id', '=', parseId('team', team) as string)
        .execute();
      answers = new Map(ROUTES.map(([provider], i) => [provider, drawn[i] as Answer]));
      const { eventIds } = await pipeline.audit.record([lifecycleEntry(team, 'sandbox', 'create')]);
      const eventId = eventIds[0] as string;
      const all = [...channels.values(), ...witnesses].map((c) => c.uuid);
      const ofEvent = async () =>
        (await pipeline.db.selectFrom('deliveries').selectAll().where('channel_id', 'in', all).execute()).filter(
          (r) => formatId('event', r.event_id) === eventId,
        );
      const settled = await waitFor(
        async () => {
          const rows = await ofEvent();
          return rows.length === all.length && rows.every((r) => r.status !== 'pending') ? rows : null;
        },
        { timeoutMs: 12_000 },
      ).catch(async () => {
        const pending = (await ofEvent()).filter((r) => r.status === 'pending');
        const names = pending.map((r) => [...channels].find(([, c]) => c.uuid === r.channel_id)?.[0] ?? 'witness');
        throw new Error(`round ${round}: deliveries stayed pending: ${names.join(', ')}`);
      });
      for (const row of settled) {
        if (row.last_status_code === 429) {
          expect(row.attempts).toBeGreaterThanOrEqual(1);
          expect(row.failures).toBe(0);
          expect(row.last_error).toMatch(/rate limit/);
        } else {
          expect(row.attempts).toBe(1);
        }
        const error = row.last_error ?? '';
        expect(error.length).toBeLessThanOrEqual(500);
        expect(UNPRINTABLE.test(error)).toBe(false);
        expect(Buffer.from(error, 'utf8').toString('utf8')).toBe(error);
        for (const secret of secrets) expect(error).not.toContain(secret);
        if (error.includes('you sent')) echoed++;
      }
      const sent = new Map<string, number>();
      for (const r of witness.received) {
        const id = String(r.request.headers['webhook-id']);
        sent.set(id, (sent.get(id) ?? 0) + 1);
      }
      expect([...sent.values()].every((n) => n === 1)).toBe(true);
      expect(sent.size).toBe(round * witnesses.length);
    }),
    { numRuns: 40, endOnFailure: true, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
  );
  // The credentials a request carried did come back in answers, and none of them was stored.
  expect(echoed).toBeGreaterThan(0);
}, 120_000);

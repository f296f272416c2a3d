import { EVENT_TYPES } from '@wrenn/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeMatrix, type MatrixUser, startFakeMatrix } from '../../testing/src/fakes/matrix';
import { matrixProvider } from '../src/matrix';
import { MATRIX_CONTENT_BUDGET_BYTES, renderMatrixContent } from '../src/matrix/render';
import type { ChannelConfig, SendOutcome } from '../src/provider';
import { utf8Length } from '../src/render/truncate';
import { loopbackContext, testSettings } from './support/loopback-context';
import { hostileEvent, hugeEvent, sampleEvent } from './support/sample-events';

const SETTINGS = testSettings();

const DELIVERY = 'dlv-000000000000000000000d003';

function reasonOf(outcome: SendOutcome): string {
  return outcome.kind === 'ok' ? '' : outcome.reason;
}

describe('matrix config', () => {
  const base = {
    homeserver_url: 'https://matrix.example.org/',
    access_token: 'syt_abc_123',
    room_id: '!abc:example.org',
  };

  it('normalises the homeserver URL and accepts ids and aliases', () => {
    expect(matrixProvider.validateConfig(base, SETTINGS)).toEqual({
      ok: true,
      config: { ...base, homeserver_url: 'https://matrix.example.org' },
    });
    for (const room_id of ['#ops:example.org', '!abc:example.org:8448']) {
      expect(matrixProvider.validateConfig({ ...base, room_id }, SETTINGS).ok).toBe(true);
    }
    expect(
      matrixProvider.validateConfig({ ...base, homeserver_url: 'http://hs.local:8008/matrix/' }, SETTINGS),
    ).toMatchObject({
      config: { homeserver_url: 'http://hs.local:8008/matrix' },
    });
  });

  it('requires https for the homeserver unless private targets are allowed', () => {
    const plain = { ...base, homeserver_url: 'http://matrix.example.org' };
    const strict = matrixProvider.validateConfig(plain, testSettings({ allowPrivateTargets: false }));
    expect(strict).toEqual({
      ok: false,
      message: 'config.homeserver_url must use https: the access token is sent to it, so https is required',
    });
    expect(matrixProvider.validateConfig(plain, testSettings({ allowPrivateTargets: true })).ok).toBe(true);
    expect(matrixProvider.validateConfig(base, testSettings({ allowPrivateTargets: false })).ok).toBe(true);
  });

  it.each<ChannelConfig>([
    { ...base, homeserver_url: 'ftp://matrix.example.org' },
    { ...base, homeserver_url: 'matrix.example.org' },
    { ...base, homeserver_url: 'https://u:p@matrix.example.org' },
    { ...base, homeserver_url: 'https://matrix.example.org/?x=1' },
    { ...base, room_id: 'general' },
    { ...base, room_id: '#ops' },
    { ...base, room_id: '!Yx3vN0aVpR8Kd2mQe7TbWc5LfHsJ9uGi1oZyAqXrBkE' },
    { ...base, room_id: '@user:example.org' },
    { ...base, access_token: 'has space' },
  ])('refuses %o', (config) => {
    const check = matrixProvider.validateConfig(config, SETTINGS);
    expect(check.ok).toBe(false);
    expect(JSON.stringify(check)).not.toContain('syt_abc_123');
  });

  it('names the homeserver as the user target', () => {
    expect(matrixProvider.userTargets(base, SETTINGS)).toEqual(['https://matrix.example.org/']);
  });
});

describe('matrix render', () => {
  it('renders every event as an m.notice with matching plain and HTML bodies', () => {
    const contents = Object.fromEntries(EVENT_TYPES.map((type) => [type, renderMatrixContent(sampleEvent(type))]));
    expect(contents).toMatchInlineSnapshot(`
      {
        "capsule.created": {
          "body": "🟢 Capsule created
      Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was created by Ada (usr-0000000000000000000000ada).

      Capsule: cl-0a1b2c3d4e5f6g7h8i9j0k1l2
      Actor: Ada (usr-0000000000000000000000ada)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z
      template: python-3.12",
          "format": "org.matrix.custom.html",
          "formatted_body": "🟢 <b>Capsule created</b><br>Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was created by Ada (usr-0000000000000000000000ada).<br><br><b>Capsule:</b> <code>cl-0a1b2c3d4e5f6g7h8i9j0k1l2</code><br><b>Actor:</b> Ada (usr-0000000000000000000000ada)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z<br><b>template:</b> python-3.12",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
        "capsule.destroyed": {
          "body": "🔴 Capsule destroyed
      Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was destroyed by Ada (usr-0000000000000000000000ada).

      Capsule: cl-0a1b2c3d4e5f6g7h8i9j0k1l2
      Actor: Ada (usr-0000000000000000000000ada)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z",
          "format": "org.matrix.custom.html",
          "formatted_body": "🔴 <b>Capsule destroyed</b><br>Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was destroyed by Ada (usr-0000000000000000000000ada).<br><br><b>Capsule:</b> <code>cl-0a1b2c3d4e5f6g7h8i9j0k1l2</code><br><b>Actor:</b> Ada (usr-0000000000000000000000ada)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
        "capsule.paused": {
          "body": "🟡 Capsule paused
      Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was paused.

      Capsule: cl-0a1b2c3d4e5f6g7h8i9j0k1l2
      Actor: Wrenn (system)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z
      reason: idle",
          "format": "org.matrix.custom.html",
          "formatted_body": "🟡 <b>Capsule paused</b><br>Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was paused.<br><br><b>Capsule:</b> <code>cl-0a1b2c3d4e5f6g7h8i9j0k1l2</code><br><b>Actor:</b> Wrenn (system)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z<br><b>reason:</b> idle",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
        "capsule.running": {
          "body": "🟢 Capsule resumed
      Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was resumed by Ada (usr-0000000000000000000000ada).

      Capsule: cl-0a1b2c3d4e5f6g7h8i9j0k1l2
      Actor: Ada (usr-0000000000000000000000ada)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z",
          "format": "org.matrix.custom.html",
          "formatted_body": "🟢 <b>Capsule resumed</b><br>Capsule cl-0a1b2c3d4e5f6g7h8i9j0k1l2 was resumed by Ada (usr-0000000000000000000000ada).<br><br><b>Capsule:</b> <code>cl-0a1b2c3d4e5f6g7h8i9j0k1l2</code><br><b>Actor:</b> Ada (usr-0000000000000000000000ada)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
        "channel.disabled": {
          "body": "🔴 Channel disabled
      Channel ch-000000000000000000000000c1 was disabled.

      Channel: ch-000000000000000000000000c1
      Actor: Wrenn (system)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z
      name: ops-slack
      provider: slack
      reason: the destination is gone: HTTP 404",
          "format": "org.matrix.custom.html",
          "formatted_body": "🔴 <b>Channel disabled</b><br>Channel ch-000000000000000000000000c1 was disabled.<br><br><b>Channel:</b> <code>ch-000000000000000000000000c1</code><br><b>Actor:</b> Wrenn (system)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z<br><b>name:</b> ops-slack<br><b>provider:</b> slack<br><b>reason:</b> the destination is gone: HTTP 404",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
        "host.down": {
          "body": "🔴 Host is down
      Host host-00000000000000000000000h1 is unreachable.

      Host: host-00000000000000000000000h1
      Actor: Wrenn (system)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z
      region: eu-west
      last_seen: 2026-04-09T11:05:00Z",
          "format": "org.matrix.custom.html",
          "formatted_body": "🔴 <b>Host is down</b><br>Host host-00000000000000000000000h1 is unreachable.<br><br><b>Host:</b> <code>host-00000000000000000000000h1</code><br><b>Actor:</b> Wrenn (system)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z<br><b>region:</b> eu-west<br><b>last_seen:</b> 2026-04-09T11:05:00Z",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
        "host.up": {
          "body": "🟢 Host is up
      Host host-00000000000000000000000h1 is back online.

      Host: host-00000000000000000000000h1
      Actor: Wrenn (system)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z
      region: eu-west",
          "format": "org.matrix.custom.html",
          "formatted_body": "🟢 <b>Host is up</b><br>Host host-00000000000000000000000h1 is back online.<br><br><b>Host:</b> <code>host-00000000000000000000000h1</code><br><b>Actor:</b> Wrenn (system)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z<br><b>region:</b> eu-west",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
        "template.snapshot.created": {
          "body": "🟢 Template snapshot created
      Snapshot snap-00000000000000000000000s1 was created by Ada (usr-0000000000000000000000ada).

      Snapshot: snap-00000000000000000000000s1
      Actor: Ada (usr-0000000000000000000000ada)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z
      template: node-22",
          "format": "org.matrix.custom.html",
          "formatted_body": "🟢 <b>Template snapshot created</b><br>Snapshot snap-00000000000000000000000s1 was created by Ada (usr-0000000000000000000000ada).<br><br><b>Snapshot:</b> <code>snap-00000000000000000000000s1</code><br><b>Actor:</b> Ada (usr-0000000000000000000000ada)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z<br><b>template:</b> node-22",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
        "template.snapshot.deleted": {
          "body": "🟡 Template snapshot deleted
      Snapshot snap-00000000000000000000000s1 was deleted by Ada (usr-0000000000000000000000ada).

      Snapshot: snap-00000000000000000000000s1
      Actor: Ada (usr-0000000000000000000000ada)
      Team: team-00000000000000000000team1
      Time: 2026-04-09T11:06:06Z",
          "format": "org.matrix.custom.html",
          "formatted_body": "🟡 <b>Template snapshot deleted</b><br>Snapshot snap-00000000000000000000000s1 was deleted by Ada (usr-0000000000000000000000ada).<br><br><b>Snapshot:</b> <code>snap-00000000000000000000000s1</code><br><b>Actor:</b> Ada (usr-0000000000000000000000ada)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z",
          "m.mentions": {},
          "msgtype": "m.notice",
        },
      }
    `);
  });

  it('escapes HTML and neutralises @room and other mentions', () => {
    const content = renderMatrixContent(hostileEvent());
    expect(content.formatted_body).toMatchInlineSnapshot(
      `"🟢 <b>Capsule created</b><br>Capsule &lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot;  was created by &lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot;  (usr-0000000000000000000000ada).<br><br><b>Capsule:</b> <code>&lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot; </code><br><b>Actor:</b> &lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot;  (usr-0000000000000000000000ada)<br><b>Team:</b> <code>team-00000000000000000000team1</code><br><b>Time:</b> 2026-04-09T11:06:06Z<br><b>&lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https…:</b> &lt;b&gt;x&lt;/b&gt; @⁠everyone &lt;!channel&gt; &lt;users/all&gt; *bold* _it_ [a](https://evil.example) &amp; &quot;q&quot; "`,
    );
    expect(content.formatted_body).not.toMatch(/<(?!\/?(b|code|br)>)/);
    expect(content.formatted_body).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(content.formatted_body).toContain('&amp; &quot;q&quot;');
    expect(content.body).toContain('<b>x</b>');
    for (const text of [content.body, content.formatted_body]) {
      expect(text).not.toMatch(/@(room|everyone)/);
      expect(text).not.toContain('\u202e');
    }
    expect(content['m.mentions']).toEqual({});
  });

  it('neutralises a bare @room in metadata', () => {
    const content = renderMatrixContent({ ...sampleEvent('host.down'), metadata: { note: 'wake up @room now' } });
    expect(content.body).toContain('wake up @\u2060room now');
    expect(content.formatted_body).toContain('wake up @\u2060room now');
  });

  it('keeps 10,000-character values well below the event limit', () => {
    const content = renderMatrixContent(hugeEvent());
    expect(utf8Length(JSON.stringify(content))).toBeLessThanOrEqual(MATRIX_CONTENT_BUDGET_BYTES);
    expect(content.body).toContain('xxx…');
    expect(content.body.length).toBeLessThan(10_000);
  });

  it('shrinks escape-heavy multi-byte values until the content fits the budget', () => {
    const metadata = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, '"<界>&\u0001'.repeat(400)]));
    const content = renderMatrixContent({ ...sampleEvent('capsule.created'), metadata });
    expect(utf8Length(JSON.stringify(content))).toBeLessThanOrEqual(MATRIX_CONTENT_BUDGET_BYTES);
    expect(content.body).toMatch(/… and \d+ more$/);
  });
});

describe('matrix send', () => {
  let fake: FakeMatrix;
  let bot: MatrixUser;
  let roomId: string;
  let config: ChannelConfig;
  let context: ReturnType<typeof loopbackContext>;

  beforeEach(async () => {
    fake = await startFakeMatrix();
    const owner = fake.registerUser('owner');
    roomId = fake.createRoom(owner.accessToken, { alias: 'ops' });
    bot = fake.registerUser('wrenn-bot');
    fake.joinRoom(bot.accessToken, roomId);
    config = { homeserver_url: fake.origin, access_token: bot.accessToken, room_id: roomId };
    context = loopbackContext({ timeoutMs: 500 });
  });
  afterEach(async () => {
    await context.close();
    await fake.close();
  });

  const send = (cfg: ChannelConfig = config, event = sampleEvent('capsule.created'), deliveryId = DELIVERY) =>
    matrixProvider.send({ deliveryId, event, config: cfg }, context);

  it('PUTs an m.notice with the delivery id as transaction id', async () => {
    expect(await send()).toEqual({ kind: 'ok', statusCode: 200 });
    const [request] = fake.received;
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe(`/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${DELIVERY}`);
    expect(request?.url).toContain('%3Awrenn.test/send/');
    expect(request?.headers.authorization).toBe(`Bearer ${bot.accessToken}`);
    expect(fake.messages).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({ roomId, sender: '@wrenn-bot:wrenn.test', txnId: DELIVERY });
    expect(fake.messages[0]?.content).toEqual(renderMatrixContent(sampleEvent('capsule.created')));
  });

  it('does not post twice when a delivery is retried', async () => {
    expect(await send()).toMatchObject({ kind: 'ok' });
    expect(await send()).toMatchObject({ kind: 'ok' });
    expect(fake.received).toHaveLength(2);
    expect(fake.messages).toHaveLength(1);
    expect(await send(config, sampleEvent('host.up'), 'dlv-000000000000000000000d004')).toMatchObject({ kind: 'ok' });
    expect(fake.messages).toHaveLength(2);
  });

  it('resolves a room alias first', async () => {
    expect(await send({ ...config, room_id: '#ops:wrenn.test' })).toMatchObject({ kind: 'ok' });
    expect(fake.received.map((r) => `${r.method} ${r.url.split('/send/')[0]}`)).toEqual([
      'GET /_matrix/client/v3/directory/room/%23ops%3Awrenn.test',
      `PUT /_matrix/client/v3/rooms/${encodeURIComponent(roomId)}`,
    ]);
    expect(fake.messages[0]?.roomId).toBe(roomId);
  });

  it('gives up on an unknown alias', async () => {
    expect(await send({ ...config, room_id: '#nope:wrenn.test' })).toEqual({
      kind: 'permanent',
      statusCode: 404,
      reason: 'resolving the room alias: Matrix 404 M_NOT_FOUND: Room alias #nope:wrenn.test not found',
      cause: 'destination',
    });
  });

  it('delivers hostile and huge events', async () => {
    expect(await send(config, hostileEvent())).toMatchObject({ kind: 'ok' });
    expect(await send(config, hugeEvent(), 'dlv-000000000000000000000d005')).toMatchObject({ kind: 'ok' });
    expect(fake.messages).toHaveLength(2);
  });

  it('waits for Retry-After first on 429', async () => {
    fake.rateLimitNext({ retryAfterMs: 4_500 });
    expect(await send()).toEqual({
      kind: 'retry',
      statusCode: 429,
      reason: 'Matrix 429 M_LIMIT_EXCEEDED: Too Many Requests',
      retryAfterMs: 5_000,
    });
  });

  it('falls back to retry_after_ms on 429 without Retry-After', async () => {
    fake.rateLimitNext({ retryAfterMs: 4_500, header: false });
    expect(await send()).toMatchObject({ kind: 'retry', statusCode: 429, retryAfterMs: 4_500 });
  });

  it('retries a 429 that names no wait', async () => {
    fake.rateLimitNext({ header: false, bodyField: false });
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429 });
    expect(outcome).not.toHaveProperty('retryAfterMs');
  });

  it('gives up when the bot is not in the room', async () => {
    fake.kick(roomId, bot.userId);
    expect(await send()).toEqual({
      kind: 'permanent',
      statusCode: 403,
      reason: `Matrix 403 M_FORBIDDEN: User @wrenn-bot:wrenn.test not in room ${roomId} (None)`,
      cause: 'destination',
    });
  });

  it('gives up on an unknown or expired token without naming it', async () => {
    fake.revokeToken(bot.accessToken);
    const outcome = await send();
    expect(outcome).toEqual({
      kind: 'permanent',
      statusCode: 401,
      reason: 'Matrix 401 M_UNKNOWN_TOKEN: Invalid access token passed.',
      cause: 'destination',
    });
    fake.revokeToken(bot.accessToken, { softLogout: true });
    expect(reasonOf(await send())).toContain('log in again');
  });

  it('redacts the token when an answer echoes it', async () => {
    fake.failNext({ status: 400, body: { errcode: 'M_BAD_JSON', error: `bad request for token ${bot.accessToken}` } });
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 400, cause: 'message' });
    expect(reasonOf(outcome)).not.toContain(bot.accessToken);
    expect(reasonOf(outcome)).toContain('[redacted]');
  });

  it.each([
    [413, 'M_TOO_LARGE', 'message'],
    [400, 'M_NOT_JSON', 'message'],
    [404, 'M_UNRECOGNIZED', 'destination'],
    [401, 'M_MISSING_TOKEN', 'destination'],
    [400, 'M_UNKNOWN', 'other'],
  ])('gives up on %i %s, caused by the %s', async (status, errcode, cause) => {
    fake.failNext({ status, body: { errcode, error: 'no' } });
    expect(await send()).toMatchObject({ kind: 'permanent', statusCode: status, cause });
  });

  it('retries a 5xx, then succeeds', async () => {
    fake.failNext({ status: 502, body: '<html>Bad Gateway</html>' });
    expect(await send()).toEqual({ kind: 'retry', statusCode: 502, reason: 'HTTP 502: <html>Bad Gateway</html>' });
    expect(await send()).toMatchObject({ kind: 'ok' });
  });

  it('retries when the homeserver does not answer in time', async () => {
    fake.hangNext();
    expect(await send()).toEqual({
      kind: 'retry',
      statusCode: null,
      reason: 'no answer within 0.5 s',
      unanswered: true,
    });
  });

  it('refuses a loopback homeserver when private targets are not allowed', async () => {
    const guarded = loopbackContext({ allowPrivateTargets: false });
    try {
      const https = { ...config, homeserver_url: fake.origin.replace('http:', 'https:') };
      const outcome = await matrixProvider.send(
        { deliveryId: DELIVERY, event: sampleEvent('host.up'), config: https },
        guarded,
      );
      expect(outcome).toMatchObject({ kind: 'permanent', statusCode: null, cause: 'destination' });
      expect(reasonOf(outcome)).toMatch(/is not allowed \(loopback\)/);
      expect(fake.received).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });

  it('does not send the token to a stored http homeserver once private targets are not allowed', async () => {
    const guarded = loopbackContext({ allowPrivateTargets: false });
    try {
      const outcome = await matrixProvider.send(
        { deliveryId: DELIVERY, event: sampleEvent('host.up'), config },
        guarded,
      );
      expect(outcome).toEqual({
        kind: 'permanent',
        statusCode: null,
        reason: 'config.homeserver_url must use https: the access token is sent to it, so https is required',
        cause: 'destination',
      });
      expect(fake.received).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });
});

describe('fake matrix homeserver', () => {
  let fake: FakeMatrix;
  beforeEach(async () => {
    fake = await startFakeMatrix();
  });
  afterEach(() => fake.close());

  async function call(method: string, path: string, body?: unknown, token?: string) {
    const response = await fetch(`${fake.origin}/_matrix/client${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  }

  it('registers through the dummy auth stage, creates, joins and reads a room over HTTP', async () => {
    expect((await call('GET', '/versions')).body.versions).toContain('v1.11');
    const challenge = await call('POST', '/v3/register', { username: 'alice', password: 'pw' });
    expect(challenge.status).toBe(401);
    expect(challenge.body.flows).toEqual([{ stages: ['m.login.dummy'] }]);
    const alice = await call('POST', '/v3/register', {
      username: 'alice',
      password: 'pw',
      auth: { type: 'm.login.dummy' },
    });
    const aliceToken = String(alice.body.access_token);
    const bob = await call('POST', '/v3/register', {
      username: 'bob',
      password: 'pw',
      auth: { type: 'm.login.dummy' },
    });
    const bobToken = String(bob.body.access_token);

    const created = await call(
      'POST',
      '/v3/createRoom',
      { room_alias_name: 'ops', preset: 'private_chat' },
      aliceToken,
    );
    const roomId = String(created.body.room_id);
    expect(roomId).toMatch(/^!.+:wrenn\.test$/);
    expect((await call('GET', '/v3/directory/room/%23ops%3Awrenn.test')).body.room_id).toBe(roomId);

    expect((await call('POST', '/v3/join/%23ops%3Awrenn.test', {}, bobToken)).body.errcode).toBe('M_FORBIDDEN');
    await call('POST', `/v3/rooms/${encodeURIComponent(roomId)}/invite`, { user_id: '@bob:wrenn.test' }, aliceToken);
    expect((await call('POST', '/v3/join/%23ops%3Awrenn.test', {}, bobToken)).body.room_id).toBe(roomId);

    const path = `/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/txn1`;
    const first = await call('PUT', path, { msgtype: 'm.text', body: 'hi' }, bobToken);
    const again = await call('PUT', path, { msgtype: 'm.text', body: 'hi' }, bobToken);
    expect(again.body.event_id).toBe(first.body.event_id);
    const history = await call(
      'GET',
      `/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=1`,
      undefined,
      aliceToken,
    );
    expect(history.body.chunk).toMatchObject([
      { event_id: first.body.event_id, content: { body: 'hi' }, sender: '@bob:wrenn.test' },
    ]);
  });

  it('answers with the spec error shapes', async () => {
    const user = fake.registerUser('carol');
    const roomId = fake.createRoom(user.accessToken);
    const path = `/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t`;
    expect((await call('PUT', path, {})).body).toEqual({ errcode: 'M_MISSING_TOKEN', error: 'Missing access token.' });
    expect((await call('PUT', path, {}, 'nope')).body).toMatchObject({
      errcode: 'M_UNKNOWN_TOKEN',
      soft_logout: false,
    });
    expect(await call('PUT', `${path}1`, '{not json', user.accessToken)).toMatchObject({
      status: 400,
      body: { errcode: 'M_NOT_JSON' },
    });
    expect(await call('PUT', `${path}2`, '[1]', user.accessToken)).toMatchObject({
      status: 400,
      body: { errcode: 'M_BAD_JSON' },
    });
    expect(await call('PUT', `${path}3`, { body: 'x'.repeat(65_000) }, user.accessToken)).toMatchObject({
      status: 413,
      body: { errcode: 'M_TOO_LARGE' },
    });
    fake.rateLimitNext({ retryAfterMs: 1_500 });
    const limited = await call('PUT', `${path}4`, {}, user.accessToken);
    expect(limited).toMatchObject({ status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1_500 } });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await call('GET', '/v3/nothing-here', undefined, user.accessToken)).body.errcode).toBe('M_UNRECOGNIZED');
  });
});

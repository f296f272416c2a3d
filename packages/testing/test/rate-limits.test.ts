import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  admit,
  createRateLimiter,
  FAKE_TELEGRAM_TOKEN,
  fixedWindow,
  slidingWindow,
  startFakeDiscord,
  startFakeGoogleChat,
  startFakeMatrix,
  startFakeSlack,
  startFakeTeams,
  startFakeTelegram,
  startFakeWebhookReceiver,
  tokenBucket,
} from '../src/index';

// The fakes' limiters read `Date.now()`. Frozen, it makes a burst land at one instant however loaded the
// machine is, and a wait for an advertised Retry-After exactly that long (see `advanceClock`).
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Lets `ms` pass on the fakes' clock, as a client waiting that long would see it. */
function advanceClock(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}
function track<T extends { close(): Promise<void> }>(fake: T): T {
  closers.push(() => fake.close());
  return fake;
}

async function post(url: string, body: unknown, init: { method?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Sends `count` requests one after another and returns their statuses. */
async function statuses(count: number, send: (i: number) => Promise<{ status: number }>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await send(i)).status);
  return out;
}

describe('limiters', () => {
  it('a token bucket admits its burst, then one request per 1/rate, and says how long to wait', () => {
    const bucket = createRateLimiter(tokenBucket(2, 3));
    for (let i = 0; i < 3; i++) {
      expect(bucket.waitMs('k', 1000)).toBe(0);
      bucket.record('k', 1000);
    }
    expect(bucket.waitMs('k', 1000)).toBe(500);
    expect(bucket.waitMs('other', 1000)).toBe(0);
    expect(bucket.waitMs('k', 1499)).toBe(1);
    expect(bucket.waitMs('k', 1500)).toBe(0);
  });

  it('a sliding window admits `limit` in any window and waits for the oldest to leave it', () => {
    const window = createRateLimiter(slidingWindow(2, 1000));
    window.record('k', 0);
    window.record('k', 400);
    expect(window.waitMs('k', 500)).toBe(500);
    expect(window.waitMs('k', 1000)).toBe(0);
    window.record('k', 1000);
    expect(window.waitMs('k', 1100)).toBe(300);
    expect(window.state('k', 1100)).toEqual({ limit: 2, remaining: 0, resetAfterMs: 900 });
  });

  it('a fixed window opens at the first request and refills at once when it closes', () => {
    const window = createRateLimiter(fixedWindow(2, 1000));
    expect(window.state('k', 0)).toEqual({ limit: 2, remaining: 2, resetAfterMs: 1000 });
    window.record('k', 100);
    window.record('k', 900);
    expect(window.state('k', 950)).toEqual({ limit: 2, remaining: 0, resetAfterMs: 150 });
    expect(window.waitMs('k', 950)).toBe(150);
    expect(window.waitMs('k', 1100)).toBe(0);
    expect(window.state('k', 1100).remaining).toBe(2);
  });

  it('admit counts a request in every limit or in none, and reports the longest wait', () => {
    const fast = createRateLimiter(tokenBucket(10, 1));
    const slow = createRateLimiter(slidingWindow(1, 5000));
    expect(
      admit(
        [
          [fast, 'a'],
          [slow, 'a'],
          [undefined, 'a'],
        ],
        0,
      ),
    ).toEqual({ ok: true });
    const refused = admit(
      [
        [fast, 'a'],
        [slow, 'a'],
      ],
      50,
    );
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 4950, retryAfterSeconds: 5, limiter: slow });
    // The refusal took nothing from the fast bucket.
    expect(fast.waitMs('a', 100)).toBe(0);
  });
});

describe('fakes without rate limits (the default)', () => {
  it('accept a burst and count no 429', async () => {
    const slack = track(await startFakeSlack());
    const webhook = track(await startFakeWebhookReceiver());
    const codes = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        i % 2 === 0 ? post(`${slack.origin}/services/T1/B1/secret`, { text: 'hi' }) : post(webhook.url, { seq: i }),
      ),
    );
    expect(codes.every((r) => r.status === 200)).toBe(true);
    expect(slack.tooManyRequests()).toBe(0);
    expect(webhook.tooManyRequests()).toBe(0);
    expect(slack.arrivals()).toHaveLength(15);
  });
});

describe('Slack', () => {
  it('takes about one message per second per webhook and answers more with 429 rate_limited + Retry-After', async () => {
    const slack = track(await startFakeSlack({ rateLimits: true }));
    const hook = `${slack.origin}/services/T1/B1/secret`;
    expect(await statuses(2, () => post(hook, { text: 'burst' }))).toEqual([200, 200]);
    const refused = await post(hook, { text: 'one too many' });
    expect(refused).toMatchObject({ status: 429, text: 'rate_limited' });
    expect(refused.headers.get('retry-after')).toBe('1');
    // Another webhook has its own allowance.
    expect((await post(`${slack.origin}/services/T1/B2/other`, { text: 'x' })).status).toBe(200);

    advanceClock(Number(refused.headers.get('retry-after')) * 1000);
    expect((await post(hook, { text: 'after waiting' })).status).toBe(200);
    expect(slack.tooManyRequests()).toBe(1);
    expect(slack.messages.map((m) => m.body.text)).toEqual(['burst', 'burst', 'x', 'after waiting']);
    expect(slack.arrivals()).toHaveLength(5);
  });

  it('counts scripted 429s too', async () => {
    const slack = track(await startFakeSlack());
    slack.rateLimitNext(3, 2);
    await statuses(3, () => post(`${slack.origin}/services/T1/B1/secret`, { text: 'x' }));
    expect(slack.tooManyRequests()).toBe(2);
  });
});

describe('Discord', () => {
  const id = '123456789012345678';
  const url = (origin: string) => `${origin}/api/v10/webhooks/${id}/token-abc?wait=true`;

  it('reports its 5 per 2 s bucket on every answer and refuses the sixth with retry_after and Retry-After', async () => {
    const discord = track(await startFakeDiscord({ rateLimits: true }));
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(url(discord.origin), { content: `m${i}` });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      expect(res.headers.get('x-ratelimit-bucket')).toMatch(/\w+/);
      expect(Number(res.headers.get('x-ratelimit-reset-after'))).toBeLessThanOrEqual(2);
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
      remaining.push(res.headers.get('x-ratelimit-remaining'));
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    const refused = await post(url(discord.origin), { content: 'sixth' });
    expect(refused.status).toBe(429);
    const body = JSON.parse(refused.text) as { message: string; retry_after: number; global: boolean };
    expect(body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(body.retry_after).toBeGreaterThan(1);
    expect(body.retry_after).toBeLessThanOrEqual(2);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('x-ratelimit-scope')).toBe('user');
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');

    advanceClock(body.retry_after * 1000);
    const after = await post(url(discord.origin), { content: 'after waiting' });
    expect(after.status).toBe(200);
    expect(after.headers.get('x-ratelimit-remaining')).toBe('4');
    expect(discord.tooManyRequests()).toBe(1);
    expect(discord.messages).toHaveLength(6);
  });

  it('refuses past its per-minute limit with a long retry_after, scope shared', async () => {
    const discord = track(
      await startFakeDiscord({ rateLimits: { bucket: fixedWindow(5, 200), perMinute: slidingWindow(3, 1500) } }),
    );
    expect(await statuses(3, (i) => post(url(discord.origin), { content: `m${i}` }))).toEqual([200, 200, 200]);
    const refused = await post(url(discord.origin), { content: 'fourth' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-ratelimit-scope')).toBe('shared');
    // The route bucket itself still has room: the refusal comes from the other limit.
    expect(refused.headers.get('x-ratelimit-remaining')).not.toBe('0');
    const { retry_after } = JSON.parse(refused.text) as { retry_after: number };
    expect(retry_after).toBeGreaterThan(1);
    advanceClock(retry_after * 1000);
    expect((await post(url(discord.origin), { content: 'after waiting' })).status).toBe(200);
  });

  it('keeps the never-exhausted headers when rate limits are off', async () => {
    const discord = track(await startFakeDiscord());
    const last = (await Promise.all(Array.from({ length: 8 }, () => post(url(discord.origin), { content: 'x' })))).at(
      -1,
    );
    expect(last?.status).toBe(200);
    expect(last?.headers.get('x-ratelimit-remaining')).toBe('4');
  });
});

describe('Telegram', () => {
  const send = (origin: string, chatId: number) =>
    post(`${origin}/bot${FAKE_TELEGRAM_TOKEN}/sendMessage`, { chat_id: chatId, text: 'hello' });

  it('takes about one message per second per chat and answers more with parameters.retry_after', async () => {
    const telegram = track(await startFakeTelegram({ rateLimits: true }));
    const group = -1001234567890;
    expect(await statuses(3, () => send(telegram.origin, group))).toEqual([200, 200, 200]);
    const refused = await send(telegram.origin, group);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toEqual({
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    // Another chat has its own allowance.
    expect((await send(telegram.origin, 42424242)).status).toBe(200);
    advanceClock(1000);
    expect((await send(telegram.origin, group)).status).toBe(200);
    expect(telegram.tooManyRequests()).toBe(1);
    expect(telegram.arrivals()).toHaveLength(6);
  });

  it('limits groups (a negative chat id) per minute, not private chats', async () => {
    const telegram = track(
      await startFakeTelegram({ rateLimits: { perChat: null, perGroup: slidingWindow(3, 1500) } }),
    );
    expect(await statuses(3, () => send(telegram.origin, -1001234567890))).toEqual([200, 200, 200]);
    const refused = await send(telegram.origin, -1001234567890);
    const { parameters } = JSON.parse(refused.text) as { parameters: { retry_after: number } };
    expect(refused.status).toBe(429);
    expect(parameters.retry_after).toBe(2);
    expect(await statuses(5, () => send(telegram.origin, 42424242))).toEqual([200, 200, 200, 200, 200]);
    advanceClock(parameters.retry_after * 1000);
    expect((await send(telegram.origin, -1001234567890)).status).toBe(200);
  });

  it('refuses the 21st message to a group within a minute with the default limits', async () => {
    const telegram = track(await startFakeTelegram({ rateLimits: { perChat: null } }));
    const codes = await statuses(21, () => send(telegram.origin, -1001234567890));
    expect(codes.slice(0, 20).every((c) => c === 200)).toBe(true);
    expect(codes[20]).toBe(429);
  });
});

describe('Google Chat', () => {
  it('takes about one write per second per space and answers more with RESOURCE_EXHAUSTED', async () => {
    const chat = track(await startFakeGoogleChat({ rateLimits: true }));
    const url = `${chat.origin}/v1/spaces/AAAA/messages?key=k&token=t`;
    expect(await statuses(2, () => post(url, { text: 'hi' }))).toEqual([200, 200]);
    const refused = await post(url, { text: 'hi' });
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
    expect(refused.headers.get('retry-after')).toBeNull();
    expect((await post(`${chat.origin}/v1/spaces/BBBB/messages?key=k&token=t`, { text: 'hi' })).status).toBe(200);
    // No Retry-After here: one write per second is the documented rate.
    advanceClock(1000);
    expect((await post(url, { text: 'after waiting' })).status).toBe(200);
    expect(chat.tooManyRequests()).toBe(1);
  });
});

describe('Teams', () => {
  it('throttles a workflow at the configured rate with 429 + Retry-After', async () => {
    const teams = track(await startFakeTeams({ rateLimits: { perFlow: tokenBucket(0.5, 1) } }));
    const url = `${teams.origin}/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=s`;
    const card = { type: 'message', attachments: [] };
    expect((await post(url, card)).status).toBe(202);
    const refused = await post(url, card);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'WorkflowRequestsThrottled' } });
    expect(refused.headers.get('retry-after')).toBe('2');
    advanceClock(Number(refused.headers.get('retry-after')) * 1000);
    expect((await post(url, card)).status).toBe(202);
    expect(teams.tooManyRequests()).toBe(1);
  });
});

describe('Matrix', () => {
  async function setup(rateLimits: Parameters<typeof startFakeMatrix>[0]) {
    const matrix = track(await startFakeMatrix(rateLimits));
    const user = matrix.registerUser('bot');
    const roomId = matrix.createRoom(user.accessToken);
    const send = (txn: string) =>
      post(
        `${matrix.origin}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`,
        { msgtype: 'm.notice', body: txn },
        { method: 'PUT', headers: { authorization: `Bearer ${user.accessToken}` } },
      );
    return { matrix, send };
  }

  it("refuses the 11th message with Synapse's default limits: M_LIMIT_EXCEEDED, retry_after_ms and Retry-After", async () => {
    const { matrix, send } = await setup({ rateLimits: true });
    expect(await statuses(10, (i) => send(`t${i}`))).toEqual(Array(10).fill(200));
    const refused = await send('t10');
    expect(refused.status).toBe(429);
    const body = JSON.parse(refused.text) as { errcode: string; retry_after_ms: number };
    expect(body.errcode).toBe('M_LIMIT_EXCEEDED');
    expect(body.retry_after_ms).toBeGreaterThan(4900);
    expect(body.retry_after_ms).toBeLessThanOrEqual(5000);
    expect(refused.headers.get('retry-after')).toBe('5');
    // A retransmission of a stored transaction is answered from the cache, not limited.
    expect((await send('t3')).status).toBe(200);
    expect(matrix.tooManyRequests()).toBe(1);
  });

  it('admits a send after the advertised retry_after_ms', async () => {
    const { send } = await setup({ rateLimits: { perUser: tokenBucket(2, 1) } });
    expect((await send('a')).status).toBe(200);
    const refused = await send('b');
    const { retry_after_ms } = JSON.parse(refused.text) as { retry_after_ms: number };
    expect(refused.status).toBe(429);
    advanceClock(retry_after_ms);
    expect((await send('b')).status).toBe(200);
  });
});

describe('webhook receiver', () => {
  it('takes 20 requests per second and answers more with 429 + Retry-After', async () => {
    const receiver = track(await startFakeWebhookReceiver({ rateLimits: true }));
    const burst = await Promise.all(Array.from({ length: 25 }, (_, i) => post(receiver.url, { seq: i })));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(20);
    const refused = burst.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    expect(refused[0]?.headers.get('retry-after')).toBe('1');
    advanceClock(Number(refused[0]?.headers.get('retry-after')) * 1000);
    expect((await post(receiver.url, { seq: 25 })).status).toBe(200);
    expect(receiver.tooManyRequests()).toBe(5);
    expect(receiver.delivered()).toHaveLength(21);
    expect(receiver.arrivals()).toHaveLength(26);
  });

  it('takes a custom rate', async () => {
    const receiver = track(await startFakeWebhookReceiver({ rateLimits: { perEndpoint: tokenBucket(2, 2) } }));
    expect(await statuses(3, (i) => post(receiver.url, { seq: i }))).toEqual([200, 200, 429]);
  });
});

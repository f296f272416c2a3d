import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack } from '../../testing/src/fakes/slack';
import { type FakeWebhookReceiver, startFakeWebhookReceiver } from '../../testing/src/fakes/webhook';
import { MAX_REASON_LENGTH, printableReason } from '../src/printable-reason';
import type { SendOutcome } from '../src/provider';
import { sendEvent } from '../src/send-event';
import { loopbackContext } from './support/loopback-context';
import { sampleEvent } from './support/sample-events';

const DELIVERY = 'dlv-000000000000000000000d0r1';
const SECRET = 'whsec_c2VjcmV0LWJ5dGVzLWZvci10aGUtcmVhc29uLXRlc3Q=';
const URL_TOKEN = 'urlTokenInTheQuery0123456789';

/** No C0/C1 control, DEL, NUL or lone surrogate is left. */
function expectPrintable(text: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  expect(text.length).toBeLessThanOrEqual(MAX_REASON_LENGTH);
}

function reasonOf(outcome: SendOutcome): string {
  if (outcome.kind === 'ok') throw new Error('expected a failure');
  return outcome.reason;
}

describe('printableReason', () => {
  it('drops NUL, C0 and C1 controls and DEL, and turns breaks and tabs into single spaces', () => {
    const text = 'a\u0000b\u0001c\u001b[31md\u007fe\u0085f\u009bg\th\r\n\ni\u2028j  \f k';
    expect(printableReason(text)).toBe('abc[31mde fg h i j k');
  });

  it('removes invisible direction overrides and byte-order marks', () => {
    expect(printableReason('\ufeffok \u202eevil\u202c \u2066x\u2069')).toBe('ok evil x');
  });

  it('removes every other invisible format character: soft hyphens, zero-width joiners, tag characters', () => {
    expect(printableReason('in\u00advisible\u200d \u{e0041}\u{e0042}tags\u2060')).toBe('invisible tags');
  });

  it('replaces lone surrogates with U+FFFD and keeps real pairs', () => {
    expect(printableReason('a\uD800b\uDC00c 😀')).toBe('a\uFFFDb\uFFFDc 😀');
    expect(printableReason('end\uD83D')).toBe('end\uFFFD');
  });

  it('keeps at most 500 characters and never splits a surrogate pair', () => {
    const long = printableReason('x'.repeat(2_000));
    expect(long).toHaveLength(MAX_REASON_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    for (let offset = 0; offset < 4; offset++) {
      const cut = printableReason(`${'y'.repeat(495 + offset)}${'😀'.repeat(10)}`);
      expectPrintable(cut);
      expect(cut.endsWith('…')).toBe(true);
      expect(cut.slice(0, -1)).not.toMatch(/[\uD800-\uDBFF]$/);
    }
  });

  it('redacts known secrets, also when control characters split them or they sit where the text is cut', () => {
    const secret = 'sup3r-s3cret-value';
    expect(printableReason(`token=${secret}!`, [secret])).toBe('token=[redacted]!');
    expect(printableReason(`x ${secret.slice(0, 6)}\u0000${secret.slice(6)} y`, [secret])).toBe('x [redacted] y');
    const atTheCut = printableReason(`${'z'.repeat(490)}${secret}`, [secret]);
    expect(atTheCut).not.toContain(secret.slice(0, 6));
  });

  it('redacts credential patterns without being told the value', () => {
    const text = 'POST https://discord.com/api/webhooks/123456789012345678/abcDEF_token-value failed';
    expect(printableReason(text)).not.toContain('abcDEF_token-value');
  });
});

describe('sendEvent sanitises what a destination answers', () => {
  let receiver: FakeWebhookReceiver;
  const context = loopbackContext({ timeoutMs: 2_000 });

  beforeAll(async () => {
    receiver = await startFakeWebhookReceiver({ secret: SECRET });
  });
  afterEach(() => receiver.reset());
  afterAll(async () => {
    await receiver.close();
    await context.close();
  });

  const send = (config: Record<string, string> = { url: `${receiver.url}?token=${URL_TOKEN}`, secret: SECRET }) =>
    sendEvent('webhook', { deliveryId: DELIVERY, event: sampleEvent('host.down'), config }, context);

  it('turns NUL, invalid UTF-8 and control bytes in a 500 body into printable text', async () => {
    receiver.failNext({
      status: 500,
      body: Buffer.concat([
        Buffer.from('upstream\u0000 broke '),
        Buffer.from([0xff, 0xfe, 0xc3]),
        Buffer.from(' \u001b[2J\r\nline two\u0007 '),
        Buffer.from([0xed, 0xa0, 0x80]), // an encoded lone surrogate: invalid UTF-8
        Buffer.from(' end'),
      ]),
    });
    const outcome = await send();
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 500 });
    const reason = reasonOf(outcome);
    expectPrintable(reason);
    expect(reason).toMatch(/^HTTP 500: upstream broke \uFFFD+ \[2J line two \uFFFD+ end$/);
  });

  it('cuts a long body to 500 characters after redacting the secrets it echoes', async () => {
    // The URL token starts just before the 500th character: cutting first would leave its start behind.
    receiver.failNext({ status: 503, body: `${'e'.repeat(480)} ${URL_TOKEN} ${SECRET} ${'f'.repeat(5_000)}` });
    const reason = reasonOf(await send());
    expectPrintable(reason);
    expect(reason).toHaveLength(MAX_REASON_LENGTH);
    expect(reason).not.toContain(URL_TOKEN.slice(0, 8));
    expect(reason).not.toContain('c2VjcmV0');
  });

  it('redacts every config value and URL credential a receiver echoes', async () => {
    const user = 'basicuser';
    const password = 'basic-password-123';
    receiver.failNext({
      status: 400,
      body: `bad: ${SECRET} / ${URL_TOKEN} / ${encodeURIComponent(URL_TOKEN)} / ${user}:${password}`,
    });
    const url = new URL(`${receiver.url}?token=${URL_TOKEN}`);
    url.username = user;
    url.password = password;
    const reason = reasonOf(await send({ url: url.toString(), secret: SECRET }));
    expectPrintable(reason);
    for (const secret of [SECRET, URL_TOKEN, password, 'c2VjcmV0']) expect(reason).not.toContain(secret);
  });

  it('sanitises the answers of chat providers too (a Slack error body with controls and a secret)', async () => {
    const slack = await startFakeSlack();
    const hookSecret = 'slackHookSecretValue0001';
    const slackContext = loopbackContext({ slackApiBase: slack.origin });
    try {
      slack.failNext({ status: 500, body: `rollup_error\u0000\u0000 for ${hookSecret}\r\n\u009b` });
      const outcome = await sendEvent(
        'slack',
        {
          deliveryId: DELIVERY,
          event: sampleEvent('host.up'),
          config: { webhook_url: `https://hooks.slack.com/services/T0001/B0001/${hookSecret}` },
        },
        slackContext,
      );
      expect(outcome).toEqual({ kind: 'retry', statusCode: 500, reason: 'Slack 500: rollup_error for [redacted]' });
    } finally {
      await slackContext.close();
      await slack.close();
    }
  });
});

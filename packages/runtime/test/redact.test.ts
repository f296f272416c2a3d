import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactKnown, redactText } from '../src';

const discord = 'https://discord.com/api/webhooks/123456789012345678/AbCdEf-token_value';
const slack = 'https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX';
const teams =
  'https://prod-01.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SIGVALUE123';
const chat = 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=KEYVALUE&token=TOKENVALUE';
const telegram = 'https://api.telegram.org/bot123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345678/sendMessage';

describe('redactText', () => {
  it.each([
    [discord, 'AbCdEf-token_value'],
    [slack, 'XXXXXXXXXXXXXXXXXXXXXXXX'],
    [teams, 'SIGVALUE123'],
    [chat, 'TOKENVALUE'],
    [chat, 'KEYVALUE'],
    [telegram, 'ABCdefGHIjklMNOpqrSTUvwxYZ012345678'],
    ['Authorization: Bearer syt_abc.def', 'syt_abc.def'],
    ['secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
  ])('removes the credential from %s', (text, secret) => {
    const out = redactText(`request to ${text} failed`);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('keeps harmless text and removes known values verbatim', () => {
    expect(redactText('HTTP 500: upstream error')).toBe('HTTP 500: upstream error');
    expect(redactKnown('token is hunter2-xyz', ['hunter2-xyz'])).toBe('token is [redacted]');
  });
});

describe('createLogger', () => {
  /** Everything a real logger writes, one parsed JSON object per line. */
  function captured(level = 'debug') {
    const chunks: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ name: 'redact-test', level, destination: sink });
    const lines = async () => {
      await new Promise((r) => setImmediate(r));
      const text = chunks.join('');
      return {
        text,
        lines: text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      };
    };
    return { logger, lines };
  }

  const SECRETS = [
    'AbCdEf-token_value',
    'XXXXXXXXXXXXXXXXXXXXXXXX',
    'SIGVALUE123',
    'KEYVALUE',
    'TOKENVALUE',
    'ABCdefGHIjklMNOpqrSTUvwxYZ012345678',
    'whsec_abc',
    'syt_access_token_value',
    'plain-bot-token-value',
    'Bearer bearer-header-value',
    'nested-url-value',
  ];

  it('censors credential fields in every shape and keeps the rest of the line', async () => {
    const { logger, lines } = captured();
    logger.info({ channel: 'ch-1', config: { webhook_url: discord } }, 'config at the top');
    logger.info({ channel: { id: 'ch-2', config: { url: slack } } }, 'config one level down');
    logger.info(
      { delivery: 'dlv-1', secret: 'whsec_abc', token: chat, access_token: 'syt_access_token_value' },
      'flat',
    );
    logger.info({ channel: { id: 'ch-3', bot_token: 'plain-bot-token-value', webhook_url: teams } }, 'nested fields');
    logger.info({ target: { url: 'https://x.example/nested-url-value' }, url: telegram }, 'urls');
    logger.info({ req: { method: 'POST', headers: { authorization: 'Bearer bearer-header-value' } } }, 'request');
    logger.debug({ headers: { authorization: 'Bearer bearer-header-value', accept: 'json' } }, 'headers');
    logger.warn({ authorization: 'Bearer bearer-header-value', status: 401 }, 'bare header');
    const { text, lines: out } = await lines();

    expect(out.map((l) => l.msg)).toEqual([
      'config at the top',
      'config one level down',
      'flat',
      'nested fields',
      'urls',
      'request',
      'headers',
      'bare header',
    ]);
    expect(out[0]).toMatchObject({ name: 'redact-test', level: 30, channel: 'ch-1', config: '[redacted]' });
    expect(out[1]).toMatchObject({ channel: { id: 'ch-2', config: '[redacted]' } });
    expect(out[2]).toMatchObject({ delivery: 'dlv-1', secret: '[redacted]', token: '[redacted]' });
    expect(out[2]?.access_token).toBe('[redacted]');
    expect(out[3]).toMatchObject({ channel: { id: 'ch-3', bot_token: '[redacted]', webhook_url: '[redacted]' } });
    expect(out[4]).toMatchObject({ target: { url: '[redacted]' }, url: '[redacted]' });
    expect(out[5]).toMatchObject({ req: { method: 'POST', headers: { authorization: '[redacted]' } } });
    expect(out[6]).toMatchObject({ level: 20, headers: { authorization: '[redacted]', accept: 'json' } });
    expect(out[7]).toMatchObject({ level: 40, authorization: '[redacted]', status: 401 });
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('scrubs credentials from message text, interpolated arguments and errors', async () => {
    const { logger, lines } = captured();
    logger.info(`sending to ${slack}`);
    logger.info({ channel: 'ch-4' }, 'sending to %s then %s', discord, chat);
    logger.error({ err: new Error(`failed: ${telegram}`), channel: 'ch-5' }, 'delivery failed');
    logger.warn({ err: new TypeError(`bad answer for ${teams}`) }, 'answer unreadable');
    const { text, lines: out } = await lines();

    expect(out).toHaveLength(4);
    expect(out[0]?.msg).toBe('sending to https://hooks.slack.com/services/T0001/B0002/[redacted]');
    expect(out[1]?.msg).toBe(
      'sending to https://discord.com/api/webhooks/123456789012345678/[redacted] then https://chat.googleapis.com/v1/spaces/AAA/messages?key=[redacted]&token=[redacted]',
    );
    expect(out[1]).toMatchObject({ channel: 'ch-4' });
    expect(out[2]).toMatchObject({
      msg: 'delivery failed',
      channel: 'ch-5',
      err: { message: 'failed: https://api.telegram.org/bot[redacted]/sendMessage' },
    });
    expect(out[3]).toMatchObject({ err: { message: expect.stringContaining('sig=[redacted]') } });
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('keeps the type and stack of a logged error, scrubbed like its message', async () => {
    const { logger, lines } = captured();
    logger.error({ err: new TypeError(`failed: ${telegram}`) }, 'unhandled error');
    const { text, lines: out } = await lines();
    const err = out[0]?.err as { type: string; stack: string };
    expect(err.type).toBe('TypeError');
    expect(err.stack).toMatch(/^TypeError: failed: https:\/\/api\.telegram\.org\/bot\[redacted\]\/sendMessage\n\s+at /);
    expect(err.stack).toContain('redact.test.ts');
    expect(text).not.toContain('ABCdefGHIjklMNOpqrSTUvwxYZ012345678');
  });

  it('writes nothing below its level', async () => {
    const { logger, lines } = captured('info');
    logger.debug({ secret: 'whsec_abc' }, 'hidden');
    logger.info('shown');
    expect((await lines()).lines.map((l) => l.msg)).toEqual(['shown']);
  });
});

import { Writable } from 'node:stream';
import { pino } from 'pino';
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

/** A logger writing into `lines`, one entry per JSON line. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'test', level: 'info', destination: sink }) };
}

describe('createLogger', () => {
  it('censors config and secret fields and scrubs messages and errors', async () => {
    const { lines, logger } = capturedLogger();
    logger.info({ config: { webhook_url: discord }, secret: 'whsec_abc' }, `sending to ${slack}`);
    logger.error({ err: new Error(`failed: ${telegram}`) }, 'delivery failed');
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(out).toContain('sending to');
    expect(out).not.toContain('AbCdEf-token_value');
    expect(out).not.toContain('XXXXXXXXXXXXXXXXXXXXXXXX');
    expect(out).not.toContain('whsec_abc');
    expect(out).not.toContain('ABCdefGHIjklMNOpqrSTUvwxYZ012345678');
    expect(pino).toBeTypeOf('function');
  });

  it('keeps the stack of a logged error, scrubbed like its message', async () => {
    const { lines, logger } = capturedLogger();
    logger.error({ err: new Error(`failed: ${telegram}`) }, 'unhandled error');
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(lines[0] ?? '{}') as { err?: { type: string; message: string; stack: string } };
    expect(line.err?.type).toBe('Error');
    expect(line.err?.stack).toMatch(/^Error: failed: https:\/\/api\.telegram\.org\/bot\[redacted\]/);
    expect(line.err?.stack).toContain('redact.test.ts');
    expect(lines.join('')).not.toContain('ABCdefGHIjklMNOpqrSTUvwxYZ012345678');
  });
});

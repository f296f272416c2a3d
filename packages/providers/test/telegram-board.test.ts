import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TELEGRAM_TOKEN, type FakeTelegram, startFakeTelegram } from '../../testing/src/fakes/telegram';
import { parseTelegramHtml } from '../../testing/src/fakes/telegram-html';
import type { BoardInput, BoardOutcome, MessageRef } from '../src/provider';
import { sendBoard } from '../src/send-event';
import { telegramProvider } from '../src/telegram';
import { fitTelegramBoardText } from '../src/telegram/board';
import { TELEGRAM_TEXT_LIMIT } from '../src/telegram/render';
import { capsuleBoard, crowdedBoard } from './support/board-fixtures';
import { loopbackContext } from './support/loopback-context';

const CHAT = -1001234567890;
const CONFIG = { bot_token: FAKE_TELEGRAM_TOKEN, chat_id: String(CHAT) };

function visibleText(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.text;
}

function refOf(outcome: BoardOutcome): MessageRef {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.message;
}

describe('telegram board text', () => {
  it('shows the current state and every step in order', () => {
    const text = visibleText(fitTelegramBoardText([capsuleBoard(4)]));
    expect(text).toContain('Capsule cl-7f3a9c · destroyed');
    const steps = ['Capsule created', 'Capsule resumed', 'Capsule paused', 'Capsule destroyed'].map((s) =>
      text.indexOf(s),
    );
    expect(steps.every((i) => i >= 0)).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('fits 4,096 characters, older lines giving way to earlier-event counts, many resources to their states', () => {
    const few = visibleText(fitTelegramBoardText(crowdedBoard(3, 80)));
    expect(few.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(few).toMatch(/\d+ earlier events/);
    const many = visibleText(fitTelegramBoardText(crowdedBoard(200, 3)));
    expect(many.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
    expect(many).toContain('cl-000');
    expect(many).toMatch(/… and \d+ more resources/);
  });
});

describe('telegram sendBoard', () => {
  let fake: FakeTelegram;
  let context: ReturnType<typeof loopbackContext>;

  beforeEach(async () => {
    fake = await startFakeTelegram();
    context = loopbackContext({ telegramApiBase: fake.origin });
  });
  afterEach(async () => {
    await context.close();
    await fake.close();
  });

  const input = (steps: number, previous: MessageRef | undefined): BoardInput => ({
    deliveryId: 'dlv-1',
    config: CONFIG,
    resources: [capsuleBoard(steps)],
    previous,
  });

  it('declares the resource style', () => {
    expect(telegramProvider.messageStyles).toEqual(['each', 'resource']);
  });

  it('posts with sendMessage, then edits that message with editMessageText', async () => {
    const ref = refOf(await sendBoard('telegram', input(1, undefined), context));
    expect(ref).toEqual({ chat_id: String(CHAT), message_id: '1' });
    const edited = refOf(await sendBoard('telegram', input(2, ref), context));
    expect(edited).toEqual(ref);
    expect(fake.messages).toHaveLength(1);
    const message = fake.message(CHAT, 1);
    expect(message?.edits).toBe(1);
    expect(message?.text).toContain('Capsule resumed');
    const edit = fake.received.at(-1);
    expect(edit?.url).toMatch(/\/editMessageText$/);
    expect(JSON.parse(edit?.body ?? '{}')).toMatchObject({ chat_id: CHAT, message_id: 1, parse_mode: 'HTML' });
  });

  it('takes "message is not modified" as a success with the same reference', async () => {
    const ref = refOf(await sendBoard('telegram', input(2, undefined), context));
    const again = await sendBoard('telegram', input(2, ref), context);
    expect(fake.received.at(-1)?.status).toBe(400);
    expect(refOf(again)).toEqual(ref);
    expect(fake.messages).toHaveLength(1);
  });

  it('posts anew when the message was deleted or can no longer be edited', async () => {
    const first = refOf(await sendBoard('telegram', input(1, undefined), context));
    fake.deleteMessage(CHAT, 1);
    const second = refOf(await sendBoard('telegram', input(2, first), context));
    expect(second).toEqual({ chat_id: String(CHAT), message_id: '2' });
    fake.freezeMessage(CHAT, 2);
    const third = refOf(await sendBoard('telegram', input(3, second), context));
    expect(third).toEqual({ chat_id: String(CHAT), message_id: '3' });
    expect(fake.message(CHAT, 3)?.text).toContain('Capsule paused');
  });

  it('posts anew when the channel now points at another chat', async () => {
    const ref = { chat_id: '42424242', message_id: '1' };
    const outcome = refOf(await sendBoard('telegram', input(1, ref), context));
    expect(outcome).toEqual({ chat_id: String(CHAT), message_id: '1' });
    expect(fake.received.map((r) => r.url.split('/').at(-1))).toEqual(['sendMessage']);
  });

  it('classifies a refused edit like a send: 429 waits, a blocked bot is the destination', async () => {
    const ref = refOf(await sendBoard('telegram', input(1, undefined), context));
    fake.rateLimitNext(7);
    const limited = await sendBoard('telegram', input(2, ref), context);
    expect(limited).toMatchObject({ kind: 'retry', statusCode: 429, retryAfterMs: 7_000 });
    fake.forbidChat(CHAT);
    const blocked = await sendBoard('telegram', input(2, ref), context);
    expect(blocked).toMatchObject({ kind: 'permanent', statusCode: 403, cause: 'destination' });
    expect(JSON.stringify(blocked)).not.toContain(FAKE_TELEGRAM_TOKEN.split(':')[1]);
  });
});

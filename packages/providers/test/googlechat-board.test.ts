import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGoogleChat, startFakeGoogleChat } from '../../testing/src/fakes/googlechat';
import { googleChatProvider, renderGoogleChatBoard } from '../src/googlechat';
import type { BoardInput, BoardOutcome, BoardResource, MessageRef } from '../src/provider';
import { utf8Length } from '../src/render';
import { capsuleBoard, capsuleStep, crowdedBoard } from './support/board-fixtures';
import { loopbackContext } from './support/loopback-context';

const SPACE = 'AAAAboard01';
const TOKEN = 'board-token-0123456789abcdef';
const DASHBOARD = 'https://dash.wrenn.example/capsules/cl-7f3a9c';
const STEP_TITLES = ['Capsule created', 'Capsule resumed', 'Capsule paused', 'Capsule destroyed'];

function messageOf(outcome: BoardOutcome): MessageRef {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.message;
}

/** Every text a card shows: its header and each paragraph, in order. */
function cardText(body: Record<string, unknown>): string {
  return JSON.stringify(body.cardsV2);
}

describe('google chat boards', () => {
  let fake: FakeGoogleChat;
  let delivery = 0;
  const sendBoard = (input: Omit<BoardInput, 'deliveryId' | 'config'>) => {
    delivery += 1;
    return googleChatProvider.sendBoard!(
      { deliveryId: `dlv-board-${delivery}`, config: { webhook_url: fake.webhookUrl(SPACE, TOKEN) }, ...input },
      loopbackContext({ googleChatApiBase: fake.origin }),
    );
  };

  beforeAll(async () => {
    fake = await startFakeGoogleChat({ spaces: { [SPACE]: TOKEN } });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('declares both styles', () => {
    expect(googleChatProvider.messageStyles).toEqual(['each', 'resource']);
  });

  it("starts the resource's thread, keyed by its id, and answers the key", async () => {
    const resource = { ...capsuleBoard(1), id: 'cl-thread-start' };
    resource.events = [capsuleStep(0, { resource: { type: 'sandbox', id: 'cl-thread-start' } })];
    const ref = messageOf(await sendBoard({ resources: [resource], previous: undefined }));
    expect(ref).toEqual({ thread_key: 'cl-thread-start' });
    const [message] = fake.threadOf('cl-thread-start');
    expect(message?.messageReplyOption).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    expect(message?.body.thread).toEqual({ threadKey: 'cl-thread-start' });
    const request = new URL(fake.received.at(-1)!.url, fake.origin);
    expect(request.searchParams.get('key')).toBeTruthy();
    expect(request.searchParams.get('token')).toBe(TOKEN);
  });

  it('replies in the thread for each later event, each reply showing what it brings and the current state', async () => {
    const ref = messageOf(await sendBoard({ resources: [capsuleBoard(1)], previous: undefined }));
    for (const count of [2, 3, 4]) {
      expect(messageOf(await sendBoard({ resources: [capsuleBoard(count)], previous: ref }))).toEqual(ref);
    }
    const thread = fake.threadOf(ref.thread_key!);
    expect(thread).toHaveLength(4);
    expect(new Set(thread.map((message) => message.threadName)).size).toBe(1);
    thread.forEach((message, i) => {
      const text = cardText(message.body);
      expect(text).toContain(STEP_TITLES[i]);
      // Only the fresh event: earlier steps are already in the thread above.
      for (const [j, title] of STEP_TITLES.entries()) if (j !== i) expect(text).not.toContain(title);
    });
    const last = thread.at(-1)!.body;
    expect(cardText(last)).toContain('Capsule cl-7f3a9c · destroyed');
  });

  it('keeps a board of several resources in the thread its reference names', async () => {
    const host: BoardResource = {
      type: 'host',
      id: 'host-eu-1',
      events: [capsuleStep(0, { event: 'host.up', resource: { type: 'host', id: 'host-eu-1' } })],
      fresh: 1,
      earlier: 0,
    };
    const ref = messageOf(
      await sendBoard({ resources: [{ ...capsuleBoard(1), id: 'cl-board-2' }, host], previous: undefined }),
    );
    expect(ref).toEqual({ thread_key: 'cl-board-2' });
    const later: BoardResource = { ...host, events: [...host.events, capsuleStep(1, { event: 'host.down' })] };
    const untouched = { ...capsuleBoard(1), id: 'cl-board-2', fresh: 0 };
    messageOf(await sendBoard({ resources: [untouched, later], previous: ref }));
    const thread = fake.threadOf('cl-board-2');
    expect(thread).toHaveLength(2);
    expect(cardText(thread[1]!.body)).toContain('Host is down');
    expect(cardText(thread[1]!.body)).not.toContain('cl-board-2');
  });

  it('answers a 429 with a retry after Retry-After', async () => {
    fake.rateLimitNext(7);
    const outcome = await sendBoard({ resources: [capsuleBoard(2)], previous: { thread_key: 'cl-7f3a9c' } });
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429, retryAfterMs: 7_000 });
  });

  it('fits many fresh events of many resources within the limits, older lines counted', async () => {
    const resources = crowdedBoard(60, 40).map((resource) => ({ ...resource, fresh: 40 }));
    const ref = messageOf(await sendBoard({ resources, previous: undefined }));
    const [message] = fake.threadOf(ref.thread_key!);
    expect(utf8Length(JSON.stringify(message?.body))).toBeLessThanOrEqual(32_000);
    const text = cardText(message!.body);
    expect(text).toMatch(/\d+ earlier events/);
    expect(text).toContain('cl-059');
  });

  it('links a resource with an "Open in Wrenn" button when its latest event has a url, and nothing otherwise', () => {
    const linked = capsuleBoard(2);
    linked.events[1] = capsuleStep(1, { resource: { type: 'sandbox', id: 'cl-7f3a9c', url: DASHBOARD } });
    const withLink = renderGoogleChatBoard([linked], { deliveryId: 'dlv-1', threadKey: 'cl-7f3a9c' });
    expect(JSON.stringify(withLink)).toContain(
      JSON.stringify({
        buttonList: { buttons: [{ text: 'Open in Wrenn', onClick: { openLink: { url: DASHBOARD } } }] },
      }),
    );
    const without = renderGoogleChatBoard([capsuleBoard(2)], { deliveryId: 'dlv-1', threadKey: 'cl-7f3a9c' });
    expect(JSON.stringify(without)).not.toContain('buttonList');
  });
});

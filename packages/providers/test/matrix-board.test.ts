import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeMatrix, type MatrixUser, startFakeMatrix } from '../../testing/src/fakes/matrix';
import { matrixProvider } from '../src/matrix';
import { boardTransactionId } from '../src/matrix/board';
import { renderMatrixBoard } from '../src/matrix/render-board';
import type { BoardInput, BoardOutcome, ChannelConfig, MessageRef } from '../src/provider';
import { utf8Length } from '../src/render';
import { capsuleBoard, capsuleStep, crowdedBoard } from './support/board-fixtures';
import { loopbackContext } from './support/loopback-context';

const STEP_TITLES = ['Capsule created', 'Capsule resumed', 'Capsule paused', 'Capsule destroyed'];
const DASHBOARD = 'https://dash.wrenn.example/capsules/cl-7f3a9c?tab=events&x="1"';

function messageOf(outcome: BoardOutcome): MessageRef {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.message;
}

describe('matrix boards', () => {
  let fake: FakeMatrix;
  let bot: MatrixUser;
  let roomId: string;
  let config: ChannelConfig;
  let context: ReturnType<typeof loopbackContext>;
  let delivery = 0;

  beforeEach(async () => {
    fake = await startFakeMatrix();
    const owner = fake.registerUser('owner');
    roomId = fake.createRoom(owner.accessToken);
    bot = fake.registerUser('wrenn-bot');
    fake.joinRoom(bot.accessToken, roomId);
    config = { homeserver_url: fake.origin, access_token: bot.accessToken, room_id: roomId };
    context = loopbackContext({ timeoutMs: 1_000 });
  });
  afterEach(async () => {
    await context.close();
    await fake.close();
  });

  /** Each call is a new request, with its own first delivery, unless a test repeats one. */
  const sendBoard = (input: Omit<BoardInput, 'deliveryId' | 'config'> & { deliveryId?: string }) => {
    delivery += 1;
    return matrixProvider.sendBoard!({ deliveryId: `dlv-board-${delivery}`, config, ...input }, context);
  };
  const textOf = (eventId: string) => String(fake.currentContent(eventId)?.body);

  it('declares both styles', () => {
    expect(matrixProvider.messageStyles).toEqual(['each', 'resource']);
  });

  it('posts an m.notice and answers its event id', async () => {
    const ref = messageOf(await sendBoard({ resources: [capsuleBoard(1)], previous: undefined }));
    expect(ref).toEqual({ event_id: expect.stringMatching(/^\$/) });
    const content = fake.currentContent(ref.event_id!);
    expect(content).toMatchObject({ msgtype: 'm.notice', format: 'org.matrix.custom.html', 'm.mentions': {} });
    expect(content?.body).toContain('Capsule cl-7f3a9c · created');
    expect(content?.formatted_body).toContain('<b>Capsule</b> <code>cl-7f3a9c</code> · created');
  });

  it('shows four events about one capsule in the original notice, each edit replacing the original', async () => {
    const ref = messageOf(await sendBoard({ resources: [capsuleBoard(1)], previous: undefined }));
    for (const count of [2, 3, 4]) {
      expect(messageOf(await sendBoard({ resources: [capsuleBoard(count)], previous: ref }))).toEqual(ref);
    }
    const edits = fake.editsOf(ref.event_id!);
    expect(edits).toHaveLength(3);
    for (const edit of edits) {
      expect(edit.content['m.relates_to']).toEqual({ rel_type: 'm.replace', event_id: ref.event_id });
      expect(String(edit.content.body)).toMatch(/^\* /);
      expect(String(edit.content.formatted_body)).toMatch(/^\* /);
      expect(edit.content).not.toHaveProperty('m.mentions');
      expect(edit.content['m.new_content']).toMatchObject({ msgtype: 'm.notice', 'm.mentions': {} });
    }
    const text = textOf(ref.event_id!);
    expect(text.split('\n')[0]).toBe('🔴 Capsule cl-7f3a9c · destroyed');
    const positions = STEP_TITLES.map((title) => text.indexOf(title));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(fake.roomEvents(roomId).filter((e) => e.type === 'm.room.message')).toHaveLength(4);
  });

  it('uses a transaction id per request and kind: a retried edit is not applied twice', async () => {
    const ref = messageOf(await sendBoard({ resources: [capsuleBoard(1)], previous: undefined }));
    const retried = { deliveryId: 'dlv-retried', resources: [capsuleBoard(2)], previous: ref };
    await sendBoard(retried);
    await sendBoard(retried);
    expect(fake.editsOf(ref.event_id!)).toHaveLength(1);
    const paths = fake.received.filter((r) => r.method === 'PUT').map((r) => decodeURIComponent(r.url));
    expect(paths.at(-1)).toContain(`/send/m.room.message/${boardTransactionId('dlv-retried', ref.event_id)}`);
    expect(boardTransactionId('dlv-1')).not.toBe(boardTransactionId('dlv-1', '$a'));
    expect(boardTransactionId('dlv-1', '$a')).not.toBe(boardTransactionId('dlv-1', '$b'));
  });

  it('posts anew when the homeserver refuses the edit (an unknown original), and answers the new event', async () => {
    const gone: MessageRef = { event_id: '$no-such-event' };
    const ref = messageOf(await sendBoard({ resources: [capsuleBoard(2)], previous: gone }));
    expect(ref.event_id).not.toBe(gone.event_id);
    expect(textOf(ref.event_id!)).toContain('Capsule cl-7f3a9c · running');
    expect(fake.editsOf(ref.event_id!)).toHaveLength(0);
    const puts = fake.received.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(2);
  });

  it('answers a 429 on an edit with a retry after Retry-After, posting nothing', async () => {
    const ref = messageOf(await sendBoard({ resources: [capsuleBoard(1)], previous: undefined }));
    fake.rateLimitNext({ retryAfterMs: 3_000 });
    const outcome = await sendBoard({ resources: [capsuleBoard(2)], previous: ref });
    expect(outcome).toMatchObject({ kind: 'retry', statusCode: 429, retryAfterMs: 3_000 });
    expect(fake.roomEvents(roomId).filter((e) => e.type === 'm.room.message')).toHaveLength(1);
  });

  it('does not post anew when the bot was removed from the room: that is the destination', async () => {
    const ref = messageOf(await sendBoard({ resources: [capsuleBoard(1)], previous: undefined }));
    fake.kick(roomId, bot.userId);
    const outcome = await sendBoard({ resources: [capsuleBoard(2)], previous: ref });
    expect(outcome).toMatchObject({ kind: 'permanent', statusCode: 403, cause: 'destination' });
    expect(fake.received.filter((r) => r.method === 'PUT')).toHaveLength(2);
  });

  it('fits a board of many resources with long histories within the event budget, older lines counted', async () => {
    const resources = crowdedBoard(40, 50);
    const ref = messageOf(await sendBoard({ resources, previous: undefined }));
    const edited = messageOf(await sendBoard({ resources, previous: ref }));
    expect(edited).toEqual(ref);
    const [edit] = fake.editsOf(ref.event_id!);
    expect(utf8Length(JSON.stringify(edit?.content))).toBeLessThanOrEqual(48 * 1024);
    const text = textOf(ref.event_id!);
    expect(text).toContain('40 capsules');
    expect(text).toMatch(/… \d+ earlier events/);
    expect(text).toContain('cl-039');
  });

  it('links a resource to its dashboard page when its latest event has a url, and nothing otherwise', () => {
    const linked = capsuleBoard(2);
    linked.events[1] = capsuleStep(1, { resource: { type: 'sandbox', id: 'cl-7f3a9c', url: DASHBOARD } });
    const withLink = renderMatrixBoard([linked]);
    expect(withLink.formatted_body).toContain(
      '<a href="https://dash.wrenn.example/capsules/cl-7f3a9c?tab=events&amp;x=&quot;1&quot;"><code>cl-7f3a9c</code></a>',
    );
    expect(renderMatrixBoard([capsuleBoard(2)]).formatted_body).not.toContain('<a ');
  });
});

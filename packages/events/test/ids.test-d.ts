import { describe, expectTypeOf, it } from 'vitest';
import { type ChannelId, type DeliveryId, formatId, isId, newId, parseId, type Uuid } from '../src';

// Checked by `tsc` (the test tsconfig includes this folder); each `@ts-expect-error` fails the check if its line compiles.
describe('id types', () => {
  const channel = newId('channel');
  const wantsUuid = (_uuid: Uuid) => {};
  const wantsChannelId = (_id: ChannelId) => {};

  it('give each kind of prefixed id its own type, and UUIDs another', () => {
    expectTypeOf(channel.id).toEqualTypeOf<ChannelId>();
    expectTypeOf(channel.uuid).toEqualTypeOf<Uuid>();
    expectTypeOf(parseId('channel', channel.id)).toEqualTypeOf<Uuid | null>();
    expectTypeOf(formatId('delivery', channel.uuid)).toEqualTypeOf<DeliveryId>();
    expectTypeOf(channel.id).toExtend<string>();
    expectTypeOf(channel.uuid).toExtend<string>();
  });

  it('refuse one where the other is asked for', () => {
    // @ts-expect-error a prefixed id is not a UUID
    wantsUuid(channel.id);
    // @ts-expect-error a UUID is not a prefixed id
    wantsChannelId(channel.uuid);
    // @ts-expect-error an id of another kind is not a channel id
    wantsChannelId(newId('delivery').id);
    // @ts-expect-error a string is a channel id only once checked
    wantsChannelId('ch-0000000000000000000000001');
    // @ts-expect-error nor a UUID
    wantsUuid('0f8fad5b-d9cb-469f-a165-70867728950e');
    // @ts-expect-error an id that already has its prefix is not formatted again
    formatId('channel', channel.id);
    formatId('channel', '0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it('narrow a checked string', () => {
    const raw: unknown = channel.id;
    if (isId('channel', raw)) expectTypeOf(raw).toEqualTypeOf<ChannelId>();
  });
});

import type { Database } from '@wrenn/db';
import { newId } from '@wrenn/events';
import type { Kysely } from 'kysely';
import { describe, it } from 'vitest';
import type { DrainDeps, DrainProcessor } from '../src/delivery/drain-processor';
import { failPending, releaseDeliveries } from '../src/delivery/mailbox';
import { loadResourceMessages } from '../src/delivery/resource-messages';

declare const db: Kysely<Database>;
declare const deps: Pick<DrainDeps, 'ensureDrain' | 'lookAfter'>;
declare const drains: DrainProcessor;

// Checked by `tsc`: each `@ts-expect-error` fails the check if its line compiles.
describe('the delivery path', () => {
  it('takes channel ids where it queues, and UUIDs where it reads rows', async () => {
    const channel = newId('channel');
    const delivery = newId('delivery');
    await deps.ensureDrain(channel.id, 0);
    // @ts-expect-error a drain is queued by channel id
    await deps.ensureDrain(channel.uuid, 0);
    await deps.lookAfter(channel.uuid);
    // @ts-expect-error the mailbox is looked at by UUID
    await deps.lookAfter(channel.id);
    drains.wake([channel.uuid]);
    // @ts-expect-error drains are woken by UUID
    drains.wake([channel.id]);
    await failPending(db, channel.uuid, 'disabled');
    // @ts-expect-error rows are failed by the channel's UUID
    await failPending(db, channel.id, 'disabled');
    await releaseDeliveries(db, [delivery.uuid]);
    // @ts-expect-error rows are released by their UUIDs
    await releaseDeliveries(db, [delivery.id]);
    // @ts-expect-error resource messages are read by the channel's UUID
    await loadResourceMessages(db, channel.id, []);
  });
});

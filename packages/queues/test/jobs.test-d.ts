import { newId } from '@wrenn/events';
import { describe, it } from 'vitest';
import { drainJob, ensureDrains, type Queues } from '../src';

declare const queues: Pick<Queues, 'deliveriesFor'>;

// Checked by `tsc`: each `@ts-expect-error` fails the check if its line compiles.
describe('drain jobs', () => {
  it('are added for channel ids, never for UUIDs or other ids', async () => {
    const channel = newId('channel');
    drainJob(channel.id);
    // @ts-expect-error the channel's UUID
    drainJob(channel.uuid);
    await ensureDrains(queues, [channel.id]);
    // @ts-expect-error the channel's UUID
    await ensureDrains(queues, [channel.uuid]);
    // @ts-expect-error an id of another kind
    await ensureDrains(queues, [newId('event').id]);
  });
});

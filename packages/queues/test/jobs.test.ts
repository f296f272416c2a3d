import { newId } from '@wrenn/events';
import { describe, expect, it } from 'vitest';
import { drainJob, drainJobId, eventJob } from '../src';

describe('drainJob', () => {
  const channelId = newId('channel').id;

  it('is keyed by the channel id and leaves Redis as soon as it ends', () => {
    expect(drainJob(channelId)).toEqual({
      name: 'drain',
      data: { channelId },
      opts: { jobId: channelId, removeOnComplete: true, removeOnFail: true },
    });
    expect(drainJobId(channelId)).toBe(drainJob(channelId).opts.jobId);
  });

  it('is delayed only when its first row is not ready yet', () => {
    expect(drainJob(channelId, 0).opts).not.toHaveProperty('delay');
    expect(drainJob(channelId, 1_500).opts).toMatchObject({ delay: 1_500 });
  });
});

describe('eventJob', () => {
  it('is keyed by the event id, so the same event is queued once', () => {
    expect(eventJob('ev-1')).toEqual({ name: 'event', data: { eventId: 'ev-1' }, opts: { jobId: 'ev-1' } });
  });
});

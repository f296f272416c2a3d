import { describe, expect, it } from 'vitest';
import { drainJob, drainJobId, eventJob } from '../src';

describe('drainJob', () => {
  it('is keyed by the channel id and leaves Redis as soon as it ends', () => {
    expect(drainJob('ch-1')).toEqual({
      name: 'drain',
      data: { channelId: 'ch-1' },
      opts: { jobId: 'ch-1', removeOnComplete: true, removeOnFail: true },
    });
    expect(drainJobId('ch-1')).toBe(drainJob('ch-1').opts.jobId);
  });

  it('is delayed only when its first row is not ready yet', () => {
    expect(drainJob('ch-1', 0).opts).not.toHaveProperty('delay');
    expect(drainJob('ch-1', 1_500).opts).toMatchObject({ delay: 1_500 });
  });
});

describe('eventJob', () => {
  it('is keyed by the event id, so the same event is queued once', () => {
    expect(eventJob('ev-1')).toEqual({ name: 'event', data: { eventId: 'ev-1' }, opts: { jobId: 'ev-1' } });
  });
});

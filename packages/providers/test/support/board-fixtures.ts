import type { EventPayload, SubscribableEvent } from '@wrenn/events';
import type { BoardResource } from '../../src/provider';
import { sampleEvent } from './chat-fixtures';

/** The four steps of one capsule's life, one minute apart. */
export const CAPSULE_LIFE: readonly SubscribableEvent[] = [
  'capsule.created',
  'capsule.running',
  'capsule.paused',
  'capsule.destroyed',
];

/** Event `i` of the sample capsule's life (`CAPSULE_LIFE[i]`), at 11:0i:00 UTC. */
export function capsuleStep(i: number, overrides: Partial<EventPayload> = {}): EventPayload {
  const type = CAPSULE_LIFE[i];
  if (!type) throw new Error(`the sample capsule has no step ${i}`);
  return sampleEvent(type, {
    id: `evt-cap-${i}`,
    timestamp: `2026-04-09T11:0${i}:00Z`,
    ...overrides,
  });
}

/** The sample capsule as a board shows it after its first `count` steps, the last one fresh. */
export function capsuleBoard(count: number, overrides: Partial<EventPayload> = {}): BoardResource {
  const events = Array.from({ length: count }, (_, i) => capsuleStep(i, overrides));
  return { type: 'sandbox', id: 'cl-7f3a9c', events, fresh: 1, earlier: 0 };
}

/**
 * `resources` capsules with `steps` events each, every one carrying long
 * metadata, so a board of them outgrows any provider's limits.
 */
export function crowdedBoard(resources: number, steps: number): BoardResource[] {
  return Array.from({ length: resources }, (_, r) => {
    const id = `cl-${String(r).padStart(3, '0')}`;
    const events = Array.from({ length: steps }, (_, i) =>
      sampleEvent(i % 2 === 0 ? 'capsule.running' : 'capsule.paused', {
        id: `evt-${r}-${i}`,
        timestamp: new Date(Date.UTC(2026, 3, 9, 11, 0, 0) + i * 1000).toISOString(),
        resource: { type: 'sandbox', id },
        metadata: { template: 'python-3.12'.repeat(8), reason: 'é'.repeat(200) },
      }),
    );
    return { type: 'sandbox', id, events, fresh: 1, earlier: 0 };
  });
}

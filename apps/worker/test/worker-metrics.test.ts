import { newId } from '@wrenn/events';
import { createMetricsRegistry } from '@wrenn/runtime';
import { waitFor } from '@wrenn/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorkerMetrics } from '../src/worker-metrics';
import { createPipeline, lifecycleEntry, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
beforeAll(async () => {
  pipeline = await createPipeline();
});
afterAll(() => pipeline?.close());

function gauge(text: string, name: string, labels = ''): number {
  // prom-client puts the registry's default label (`app`) last.
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}`) || l.startsWith(`${name} `));
  if (!line) throw new Error(`${name}${labels} not exported`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('reports the outbox backlog, queue depth and the age of the oldest waiting job', async () => {
  const registry = createMetricsRegistry('worker');
  createWorkerMetrics(registry, pipeline.producerQueues, pipeline.db);
  const team = newId('team').id;

  // No worker runs: the events stay in the outbox and their jobs wait.
  await pipeline.audit.record([lifecycleEntry(team, 'host', 'marked_down'), lifecycleEntry(team, 'host', 'marked_up')]);
  // Until the oldest job has waited a whole second.
  const text = await waitFor(
    async () => {
      const current = await registry.metrics();
      return gauge(current, 'wrenn_queue_oldest_waiting_seconds', 'queue="events"') >= 1 ? current : null;
    },
    { timeoutMs: 10_000, message: 'the oldest waiting event job never reached one second' },
  );

  expect(gauge(text, 'wrenn_outbox_pending_events')).toBe(2);
  expect(gauge(text, 'wrenn_queue_jobs', 'queue="events",state="waiting"')).toBe(2);
  expect(gauge(text, 'wrenn_queue_oldest_waiting_seconds', 'queue="events"')).toBeGreaterThanOrEqual(1);
  expect(gauge(text, 'wrenn_queue_oldest_waiting_seconds', 'queue="deliveries"')).toBe(0);
});

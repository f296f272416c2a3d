import { freePort, spawnWorker, type WorkerProcess, waitForStatus } from '@wrenn/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPipeline, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
const workers: WorkerProcess[] = [];

beforeAll(async () => {
  pipeline = await createPipeline();
});

afterAll(async () => {
  for (const worker of workers) {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
  await pipeline?.close();
});

it('serves /metrics on PORT when WRENN_METRICS_PORT is unset', async () => {
  const worker = await spawnWorker(pipeline);
  workers.push(worker);
  const res = await fetch(`http://127.0.0.1:${worker.port}/metrics`);
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('wrenn_queue_jobs{');
});

it('serves /metrics only on WRENN_METRICS_PORT once it is set', async () => {
  const metricsPort = await freePort();
  const worker = await spawnWorker(pipeline, { WRENN_METRICS_PORT: String(metricsPort) });
  workers.push(worker);
  await waitForStatus(`http://127.0.0.1:${metricsPort}/metrics`, 200);
  expect(await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()).toContain('wrenn_queue_jobs{');
  expect((await fetch(`http://127.0.0.1:${worker.port}/metrics`)).status).toBe(404);
  expect((await fetch(`http://127.0.0.1:${worker.port}/health`)).status).toBe(200);
  expect((await fetch(`http://127.0.0.1:${metricsPort}/ready`)).status).toBe(404);
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receipt {
  /** `webhook-id`: the delivery id. */
  deliveryId: string;
  /** `metadata.seq` of the event. */
  seq: number;
  at: number;
}

export interface Receiver {
  origin: string;
  receipts: Receipt[];
  /** A few raw requests kept for signature checks. */
  samples: Array<{ headers: Record<string, string>; body: string; path: string }>;
  /** Resolves once `count` receipts have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** A minimal keep-alive webhook receiver that answers 204 and records arrival times. */
export async function startReceiver(): Promise<Receiver> {
  let receipts: Receipt[] = [];
  let samples: Receiver['samples'] = [];
  let waiter: { count: number; resolve: () => void } | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      let seq = -1;
      try {
        seq = Number((JSON.parse(body) as { metadata?: { seq?: number } }).metadata?.seq ?? -1);
      } catch {}
      receipts.push({ deliveryId: String(req.headers['webhook-id'] ?? ''), seq, at });
      if (samples.length < 20) {
        samples.push({ headers: req.headers as Record<string, string>, body, path: req.url ?? '' });
      }
      res.writeHead(204).end();
      if (waiter && receipts.length >= waiter.count) {
        waiter.resolve();
        waiter = null;
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get receipts() {
      return receipts;
    },
    get samples() {
      return samples;
    },
    waitFor(count, timeoutMs) {
      if (receipts.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${receipts.length} of ${count} deliveries arrived within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      });
    },
    reset() {
      receipts = [];
      samples = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** `slow`: answers 204 after `answerAfterMs`; `hang`: reads the request and never answers. */
export type SlowBehaviour = { kind: 'slow'; answerAfterMs: number } | { kind: 'hang' };

export interface SlowCounts {
  /** Requests that reached the receiver. */
  requests: number;
  /** Requests answered (only `slow` answers, and only while the client still waits). */
  answered: number;
  /** Distinct paths (one per channel) that got at least one request. */
  destinationsReached: number;
  /** The most connections open at once. */
  peakOpenSockets: number;
  /** Connections open right now. */
  openSockets: number;
}

export interface SlowReceiver {
  port: number;
  /**
   * A URL of its own origin for destination `index`: every 127.x.y.z address reaches a server
   * bound to 0.0.0.0 on Linux, so each destination gets its own connection pool in the worker.
   * `block` (1–255) picks the second octet, so two runs never share an origin.
   */
  url(block: number, index: number): string;
  counts(): SlowCounts;
  /** Destroys every connection (held or idle) and stops listening; returns what was still open. */
  close(): Promise<{ socketsDestroyed: number; openSocketsAfter: number }>;
}

/** A webhook endpoint that is slow to answer, or never answers, for the isolation scenario. */
export async function startSlowReceiver(behaviour: SlowBehaviour): Promise<SlowReceiver> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const held = new Set<ServerResponse>();
  const paths = new Set<string>();
  let requests = 0;
  let answered = 0;
  let peakOpenSockets = 0;
  const server = createServer((req, res) => {
    requests++;
    paths.add(req.url ?? '');
    req.resume();
    if (behaviour.kind === 'hang') {
      // Held until the worker gives up and closes the connection.
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (res.destroyed) return;
      res.writeHead(204).end();
      answered++;
    }, behaviour.answerAfterMs);
    timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    peakOpenSockets = Math.max(peakOpenSockets, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 60_000;
  // Node's own limits would end a held request before the worker's timeout does.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.maxConnections = 100_000;
  await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (block, index) => `http://127.${block}.${Math.floor(index / 250)}.${(index % 250) + 1}:${port}/slow/${index}`,
    counts: () => ({
      requests,
      answered,
      destinationsReached: paths.size,
      peakOpenSockets,
      openSockets: sockets.size,
    }),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const socketsDestroyed = sockets.size;
      for (const socket of sockets) socket.destroy();
      held.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return { socketsDestroyed, openSocketsAfter: sockets.size };
    },
  };
}

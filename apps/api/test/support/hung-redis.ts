import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net';

export interface HungRedis {
  /** `redis://127.0.0.1:<port>` of the proxy. */
  url: string;
  /** From now on, swallow every byte both ways: Redis looks alive but never answers. */
  hang(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of a real Redis that can turn into a hung
 * server: connections stay open and accept writes, and no answer ever comes.
 * Started with `hung: true`, it never forwards anything.
 */
export async function startHungRedis(targetUrl: string, options: { hung?: boolean } = {}): Promise<HungRedis> {
  const target = new URL(targetUrl);
  let hung = options.hung ?? false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    if (hung) {
      client.on('data', () => {});
      return;
    }
    const upstream = netConnect(Number(target.port), target.hostname);
    track(upstream);
    client.on('data', (chunk) => {
      if (!hung) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!hung) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => {
      if (!hung) client.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `redis://127.0.0.1:${port}`,
    hang() {
      hung = true;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

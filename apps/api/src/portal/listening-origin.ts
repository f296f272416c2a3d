import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

/**
 * The origin a connection reached this server on, from the socket itself:
 * `http://127.0.0.1:8080`, `http://[::1]:8080`. An IPv4 client of a dual-stack
 * listener shows as `::ffff:a.b.c.d` and is written as the IPv4 address.
 */
export function listeningOrigin(socket: Socket): string {
  const scheme = (socket as TLSSocket).encrypted ? 'https' : 'http';
  const raw = socket.localAddress ?? '127.0.0.1';
  const address = raw.startsWith('::ffff:') && raw.includes('.') ? raw.slice('::ffff:'.length) : raw;
  const host = address.includes(':') ? `[${address}]` : address;
  return `${scheme}://${host}:${socket.localPort}`;
}

// The development inbox of `npm start`: a webhook receiver on loopback that prints one line per
// delivery, so a first notification can be watched end to end without any outside service.
import { createServer } from 'node:http';

const MAX_BODY = 1024 * 1024;

/**
 * Listens on 127.0.0.1 (`port` when free, else any free port) and prints, per request,
 * the event name, the delivery id and whether the Standard Webhooks signature verifies
 * with `secret`. Every request is answered 204, so nothing is retried on its account.
 */
export async function startDevInbox({ port, secret, print = (line) => process.stdout.write(`${line}\n`) }) {
  // An independent implementation of the scheme: the same library receivers use.
  const { Webhook } = await import('standardwebhooks');
  const verifier = new Webhook(secret);

  const server = createServer((req, res) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let event = '(not a Wrenn event)';
      try {
        event = JSON.parse(body).event ?? event;
      } catch {}
      let verdict = 'signature verified';
      try {
        verifier.verify(body, req.headers);
      } catch (err) {
        verdict = `signature NOT verified (${err instanceof Error ? err.message : err})`;
      }
      print(`[inbox] ${event} ${req.headers['webhook-id'] ?? '(no webhook-id)'} ${verdict}`);
      res.writeHead(204).end();
    });
  });

  const listen = (p) =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve(server.address().port);
      });
    });
  const actual = await listen(port).catch((err) => {
    if (err.code !== 'EADDRINUSE') throw err;
    return listen(0);
  });
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}/webhooks`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

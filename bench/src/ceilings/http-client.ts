// Child process: N keep-alive POSTs of a 1 KB JSON body, 64 in flight; prints requests per second.
import { Agent, request } from 'undici';

const [, , url = '', countText = '20000', inFlightText = '64'] = process.argv;
const count = Number(countText);
const inFlight = Number(inFlightText);
const agent = new Agent({ connections: inFlight, keepAliveTimeout: 30_000 });
const body = JSON.stringify({ metadata: { seq: -1 }, padding: 'x'.repeat(1000) });
let next = 0;
const startedAt = Date.now();
async function lane(): Promise<void> {
  while (next < count) {
    next += 1;
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
      dispatcher: agent,
    });
    await res.body.dump();
  }
}
await Promise.all(Array.from({ length: inFlight }, lane));
const seconds = (Date.now() - startedAt) / 1000;
process.stdout.write(`${JSON.stringify({ perSecond: count / seconds })}\n`);
await agent.close();

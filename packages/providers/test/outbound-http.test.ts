import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, sendJson, startFakeServer } from '../../testing/src/fakes/fake-server';
import {
  createOutboundHttp,
  DnsLookupTimeoutError,
  type HostLookup,
  type OutboundHttp,
  TargetNotAllowedError,
} from '../src/outbound/outbound-http';
import { sendEvent } from '../src/send-event';
import { loopbackContext } from './support/loopback-context';
import { sampleEvent } from './support/sample-events';

const POST = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2_000 } as const;

let server: FakeServer;
let port: string;
let strict: OutboundHttp;
let lenient: OutboundHttp;

beforeAll(async () => {
  server = await startFakeServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: `${server.origin}/target` });
      res.end();
      return;
    }
    if (req.url === '/hang') return;
    if (req.url === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('x'.repeat(200 * 1024));
      return;
    }
    sendJson(res, 200, { path: req.url });
  });
  port = new URL(server.origin).port;
  strict = createOutboundHttp({ allowPrivateTargets: false });
  lenient = createOutboundHttp({ allowPrivateTargets: true });
});

afterAll(async () => {
  await strict.close();
  await lenient.close();
  await server.close();
});

describe('outbound http with allowPrivateTargets: false', () => {
  it.each([
    'http://127.0.0.1:PORT/x',
    'http://10.0.0.1:PORT/x',
    'http://172.16.5.4:PORT/x',
    'http://192.168.0.10:PORT/x',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.1.1:PORT/x',
    'http://0.0.0.0:PORT/x',
    'http://[::1]:PORT/x',
    'http://[fe80::1]:PORT/x',
    'http://[fd00:ec2::254]/x',
    'http://[::ffff:127.0.0.1]:PORT/x',
    'http://[::ffff:169.254.169.254]/x',
    // Alternative spellings that URL parsing turns into 127.0.0.1.
    'http://2130706433:PORT/x',
    'http://0x7f.0.0.1:PORT/x',
    'http://127.1:PORT/x',
  ])('refuses %s before connecting', async (template) => {
    const url = template.replace('PORT', port);
    const before = server.received.length;
    await expect(strict.request(url, POST)).rejects.toBeInstanceOf(TargetNotAllowedError);
    await expect(strict.checkTarget(url)).rejects.toBeInstanceOf(TargetNotAllowedError);
    expect(server.received.length).toBe(before);
  });

  it('refuses a hostname that resolves to loopback (localhost)', async () => {
    const url = `http://localhost:${port}/x`;
    const before = server.received.length;
    const err = await strict.request(url, POST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetNotAllowedError);
    expect((err as TargetNotAllowedError).range).toBe('loopback');
    await expect(strict.checkTarget(url)).rejects.toBeInstanceOf(TargetNotAllowedError);
    expect(server.received.length).toBe(before);
  });

  it('still reaches operator-configured bases (guarded: false)', async () => {
    const response = await strict.request(`${server.origin}/operator`, { ...POST, guarded: false });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ path: '/operator' });
  });

  it('lets public targets through checkTarget', async () => {
    await expect(strict.checkTarget('https://8.8.8.8/hook')).resolves.toBeUndefined();
  });
});

describe('outbound http behaviour', () => {
  it('reaches loopback when private targets are allowed', async () => {
    const response = await lenient.request(`http://localhost:${port}/ok`, POST);
    expect(response.status).toBe(200);
    await expect(lenient.checkTarget(`http://127.0.0.1:${port}`)).resolves.toBeUndefined();
  });

  it('does not follow a 302', async () => {
    const before = server.received.length;
    const response = await lenient.request(`${server.origin}/redirect`, POST);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe(`${server.origin}/target`);
    expect(server.received.slice(before).map((r) => r.url)).toEqual(['/redirect']);
  });

  it('gives up after timeoutMs with a TimeoutError', async () => {
    const started = Date.now();
    const err = await lenient.request(`${server.origin}/hang`, { ...POST, timeoutMs: 200 }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('reads at most 64 KB of a body', async () => {
    const response = await lenient.request(`${server.origin}/big`, { ...POST, method: 'GET', body: undefined });
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(64 * 1024);
  });
});

describe('outbound http with an injected resolver', () => {
  const answers: Record<string, Array<{ address: string; family: number }>> = {
    'mixed.example.com': [
      { address: '93.184.215.14', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ],
    'mixed6.example.com': [
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
      { address: 'fd00::1', family: 6 },
    ],
    'private.example.com': [{ address: '10.20.30.40', family: 4 }],
  };
  let calls: string[] = [];
  const lookup: HostLookup = async (hostname) => {
    calls.push(hostname);
    const found = answers[hostname];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return found;
  };
  let scripted: OutboundHttp;

  beforeAll(() => {
    scripted = createOutboundHttp({ allowPrivateTargets: false, lookup });
  });
  afterAll(async () => {
    await scripted.close();
  });

  it.each([
    ['mixed.example.com', '127.0.0.1'],
    ['mixed6.example.com', 'fd00::1'],
  ])('refuses %s, which resolves to a public and a private address, without connecting', async (host, refused) => {
    calls = [];
    const url = `http://${host}:${port}/x`;
    const before = server.received.length;
    const err = await scripted.request(url, POST).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetNotAllowedError);
    expect((err as TargetNotAllowedError).address).toBe(refused);
    await expect(scripted.checkTarget(url)).rejects.toThrow(`target address ${refused} is not allowed`);
    expect(calls).toEqual([host, host]);
    expect(server.received.length).toBe(before);
  });

  it('lets an unresolvable host through checkTarget (delivery reports it) but not through a request', async () => {
    await expect(scripted.checkTarget('https://nowhere.example.com/x')).resolves.toBeUndefined();
    await expect(scripted.request('https://nowhere.example.com/x', POST)).rejects.toMatchObject({
      code: 'ENOTFOUND',
    });
  });

  it('gives up on a resolver that never answers after dnsTimeoutMs', async () => {
    const hung = createOutboundHttp({
      allowPrivateTargets: false,
      lookup: () => new Promise(() => {}),
      dnsTimeoutMs: 150,
    });
    try {
      const started = Date.now();
      const err = await hung.request('https://slow-dns.example.com/x', POST).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DnsLookupTimeoutError);
      expect((err as Error).message).toBe('DNS lookup of slow-dns.example.com gave no answer within 0.15 s');
      expect(Date.now() - started).toBeLessThan(1_500);
      // At create and test time a slow resolver is not a refusal: the request goes on and delivery checks again.
      await expect(hung.checkTarget('https://slow-dns.example.com/x')).resolves.toBeUndefined();
    } finally {
      await hung.close();
    }
  });

  it('makes a hung resolver a retry and a private answer a permanent destination failure at delivery', async () => {
    const config = { url: 'https://slow-dns.example.com/hook' };
    const hungContext = loopbackContext(
      { allowPrivateTargets: false },
      { lookup: () => new Promise(() => {}), dnsTimeoutMs: 100 },
    );
    const privateContext = loopbackContext({ allowPrivateTargets: false }, { lookup });
    try {
      const event = sampleEvent('host.down');
      expect(await sendEvent('webhook', { deliveryId: 'dlv-1', event, config }, hungContext)).toEqual({
        kind: 'retry',
        statusCode: null,
        reason: 'DNS lookup of slow-dns.example.com gave no answer within 0.1 s',
        unanswered: true,
      });
      const moved = { url: 'https://private.example.com/hook' };
      expect(await sendEvent('webhook', { deliveryId: 'dlv-2', event, config: moved }, privateContext)).toEqual({
        kind: 'permanent',
        statusCode: null,
        reason:
          'target address 10.20.30.40 is not allowed (private); outbound requests may only reach public addresses',
        cause: 'destination',
      });
    } finally {
      await hungContext.close();
      await privateContext.close();
    }
  });
});

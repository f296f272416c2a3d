import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeServer, sendJson, startFakeServer } from '../../testing/src/fakes/fake-server';
import { blockedAddressReason } from '../src/outbound/address-policy';
import { createOutboundHttp, type OutboundHttp, TargetNotAllowedError } from '../src/outbound/outbound-http';
import { sendEvent } from '../src/send-event';
import { loopbackContext } from './support/loopback-context';
import { sampleEvent } from './support/sample-events';

/**
 * Every IPv6 form that carries an IPv4 address is judged by that address,
 * whether the address is written in the URL or answered by DNS.
 */
const EMBEDDING_LOOPBACK = [
  '::7f00:1', // IPv4-compatible ::/96, how a URL writes [::127.0.0.1]
  '::ffff:7f00:1', // IPv4-mapped
  '::ffff:0:7f00:1', // IPv4-translated (SIIT)
  '64:ff9b::7f00:1', // NAT64 well-known prefix
  '2002:7f00:1::1', // 6to4
];

let server: FakeServer;
let port: string;
let strict: OutboundHttp;

beforeAll(async () => {
  server = await startFakeServer((_req, res) => sendJson(res, 200, {}));
  port = new URL(server.origin).port;
  strict = createOutboundHttp({ allowPrivateTargets: false });
});
afterAll(async () => {
  await strict.close();
  await server.close();
});

describe('IPv6 addresses that embed an IPv4 address', () => {
  it.each([
    ['::7f00:1', 'loopback, IPv4 127.0.0.1 inside IPv4-compatible ::/96'],
    ['::a9fe:a9fe', 'linkLocal, IPv4 169.254.169.254 inside IPv4-compatible ::/96'],
    ['::a00:1', 'private, IPv4 10.0.0.1 inside IPv4-compatible ::/96'],
    ['::ffff:0:a00:1', 'private, IPv4 10.0.0.1 inside IPv4-translated ::ffff:0:0:0/96'],
    ['64:ff9b::7f00:1', 'loopback, IPv4 127.0.0.1 inside NAT64 64:ff9b::/96'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal, IPv4 169.254.169.254 inside NAT64 64:ff9b::/96'],
    ['64:ff9b::6440:1', 'carrierGradeNat, IPv4 100.64.0.1 inside NAT64 64:ff9b::/96'],
    ['64:ff9b:1::808:808', 'local-use NAT64 64:ff9b:1::/48'],
    ['2002:7f00:1::', 'loopback, IPv4 127.0.0.1 inside 6to4 2002::/16'],
    ['2002:c0a8:101::1', 'private, IPv4 192.168.1.1 inside 6to4 2002::/16'],
    ['::ffff:10.0.0.1', 'private'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['2001::1', 'teredo'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each(['64:ff9b::808:808', '2002:808:808::1', '::ffff:8.8.8.8', '::808:808'])(
    'judges %s by the public IPv4 address it carries (a NAT64 network reaches IPv4 receivers this way)',
    (address) => {
      expect(blockedAddressReason(address)).toBeNull();
    },
  );

  it.each(EMBEDDING_LOOPBACK)('refuses http://[%s]:PORT/ written in a URL, before connecting', async (address) => {
    const url = `http://[${address}]:${port}/hook`;
    const before = server.received.length;
    await expect(strict.checkTarget(url)).rejects.toBeInstanceOf(TargetNotAllowedError);
    await expect(
      strict.request(url, { method: 'POST', headers: {}, body: '{}', timeoutMs: 2_000 }),
    ).rejects.toBeInstanceOf(TargetNotAllowedError);
    expect(server.received.length).toBe(before);
  });

  it('refuses http://[::127.0.0.1]:PORT/, which a URL writes as [::7f00:1]', async () => {
    const url = `http://[::127.0.0.1]:${port}/`;
    expect(new URL(url).hostname).toBe('[::7f00:1]');
    await expect(strict.checkTarget(url)).rejects.toThrow(/127\.0\.0\.1 inside IPv4-compatible/);
  });

  it.each(EMBEDDING_LOOPBACK)('fails a delivery whose host resolves to %s, without retry', async (address) => {
    const context = loopbackContext({ allowPrivateTargets: false }, { lookup: async () => [{ address, family: 6 }] });
    try {
      const before = server.received.length;
      const outcome = await sendEvent(
        'webhook',
        {
          deliveryId: 'dlv-1',
          event: sampleEvent('host.down'),
          config: { url: `http://receiver.example.com:${port}/` },
        },
        context,
      );
      expect(outcome).toMatchObject({ kind: 'permanent', cause: 'destination' });
      expect(outcome.kind === 'ok' ? '' : outcome.reason).toMatch(/is not allowed \(loopback/);
      expect(server.received.length).toBe(before);
    } finally {
      await context.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { blockedAddressReason, ipLiteral } from '../src/outbound/address-policy';

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'], // AWS/GCP/Azure instance metadata
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'carrierGradeNat'], // Alibaba Cloud metadata
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'uniqueLocal'], // AWS IPv6 metadata
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::7f00:1', 'loopback, IPv4 127.0.0.1 inside NAT64 64:ff9b::/96'],
    ['2002:7f00:1::', 'loopback, IPv4 127.0.0.1 inside 6to4 2002::/16'],
    ['::7f00:1', 'loopback, IPv4 127.0.0.1 inside IPv4-compatible ::/96'],
  ])('refuses %s (%s)', (address, range) => {
    expect(blockedAddressReason(address)).toBe(range);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it('refuses what is not an address', () => {
    expect(blockedAddressReason('example.com')).toBe('not an IP address');
  });
});

describe('ipLiteral', () => {
  it('recognises IPv4 and bracketed IPv6 hosts', () => {
    expect(ipLiteral('127.0.0.1')).toBe('127.0.0.1');
    expect(ipLiteral('[::1]')).toBe('::1');
    expect(ipLiteral('example.com')).toBeNull();
  });
});

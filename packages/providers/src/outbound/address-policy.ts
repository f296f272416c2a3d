import ipaddr from 'ipaddr.js';

/**
 * Why an address may not be reached from a user-supplied URL, or `null` when it
 * is an ordinary public unicast address. Loopback, private, link-local (cloud
 * metadata), CGNAT, multicast, unspecified, reserved and translated ranges are refused.
 */
export function blockedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // ::ffff:10.0.0.1 is 10.0.0.1.
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  return range === 'unicast' ? null : range;
}

/** Strips the brackets of an IPv6 URL host; returns the literal when the host is an IP. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

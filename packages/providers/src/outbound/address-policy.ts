import ipaddr from 'ipaddr.js';

/**
 * IPv6 ranges whose addresses carry an IPv4 address that the packet ends up
 * at (through the host's own stack, a translator or a relay), with where the
 * four bytes sit. Such an address is judged by the IPv4 address it carries:
 * `::7f00:1` is 127.0.0.1, and so is `64:ff9b::7f00:1` behind a NAT64.
 */
const EMBEDDING_RANGES: ReadonlyArray<{ range: [ipaddr.IPv6, number]; offset: number; form?: string }> = [
  // How a dual-stack resolver writes an IPv4 address: the IPv4 reason alone says it all.
  { range: ipaddr.IPv6.parseCIDR('::ffff:0:0/96'), offset: 12 },
  { range: ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96'), offset: 12, form: 'IPv4-translated ::ffff:0:0:0/96' },
  { range: ipaddr.IPv6.parseCIDR('::/96'), offset: 12, form: 'IPv4-compatible ::/96' },
  { range: ipaddr.IPv6.parseCIDR('64:ff9b::/96'), offset: 12, form: 'NAT64 64:ff9b::/96' },
  { range: ipaddr.IPv6.parseCIDR('2002::/16'), offset: 2, form: '6to4 2002::/16' },
];

/**
 * Local-use NAT64 (RFC 8215): the operator chooses where in the address the
 * IPv4 address sits, so it cannot be read back; refused whatever it carries.
 */
const LOCAL_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');

function ipv4Reason(address: ipaddr.IPv4): string | null {
  const range = address.range();
  return range === 'unicast' ? null : range;
}

function ipv6Reason(address: ipaddr.IPv6): string | null {
  const range = address.range();
  // :: and ::1 lie inside ::/96 but are IPv6's own unspecified and loopback addresses.
  if (range === 'unspecified' || range === 'loopback') return range;
  if (address.match(LOCAL_NAT64)) return 'local-use NAT64 64:ff9b:1::/48';
  const embedding = EMBEDDING_RANGES.find((candidate) => address.match(candidate.range));
  if (embedding) {
    const bytes = address.toByteArray().slice(embedding.offset, embedding.offset + 4);
    const ipv4 = new ipaddr.IPv4(bytes);
    const reason = ipv4Reason(ipv4);
    if (reason === null || embedding.form === undefined) return reason;
    return `${reason}, IPv4 ${ipv4} inside ${embedding.form}`;
  }
  return range === 'unicast' ? null : range;
}

/**
 * Why an address may not be reached from a user-supplied URL, or `null` when it
 * is an ordinary public unicast address. Loopback, private, link-local (cloud
 * metadata), CGNAT, multicast, unspecified, reserved and Teredo ranges are
 * refused, and every IPv6 form that embeds an IPv4 address is judged by that address.
 */
export function blockedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' ? ipv4Reason(parsed as ipaddr.IPv4) : ipv6Reason(parsed as ipaddr.IPv6);
}

/** Strips the brackets of an IPv6 URL host; returns the literal when the host is an IP. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

import ipaddr from 'ipaddr.js';

/**
 * Why an address may not be a webhook target, or null when it is a public unicast address.
 * IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it carries; every special
 * range ipaddr.js knows (loopback, private, link-local incl. 169.254.169.254, CGNAT, multicast,
 * unspecified, unique-local, 6to4/Teredo/NAT64 wrappers, reserved, …) is refused.
 */
export function forbiddenAddressReason(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
  } catch {
    return `not an IP address: ${address}`;
  }
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  // ::/96, the deprecated IPv4-compatible form (RFC 4291 §2.5.5.1): `[::127.0.0.1]` is ::7f00:1,
  // which ipaddr.js calls unicast, and some stacks route it to the IPv4 address it carries
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) {
    return `${ip.toString()} is an IPv4-compatible IPv6 address (deprecated; refused)`;
  }
  const range = ip.range();
  return range === 'unicast' ? null : `${ip.toString()} is a ${range} address`;
}

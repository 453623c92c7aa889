import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';

/**
 * An address as PostgreSQL's `inet` and our rate-limit keys take it, or null when it is not one:
 * a port some proxies append (`203.0.113.7:1234`, `[2001:db8::1]:443`) and an IPv6 zone are
 * dropped, an IPv4-mapped IPv6 address is written as IPv4; anything else (`999.1.1.1`, a name)
 * is not an address.
 */
export function normaliseAddress(raw: string | undefined): string | null {
  if (!raw) return null;
  let ip = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(ip);
  if (bracketed) ip = bracketed[1]!;
  else if (/^[0-9.]+:\d{1,5}$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(':'));
  ip = ip.replace(/%[0-9a-z._~-]+$/i, ''); // zone id
  if (ip.toLowerCase().startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  return isIP(ip) ? ip : null;
}

/**
 * The client's address as Fastify resolved it (honouring TRUST_PROXY), normalised. A forwarded
 * address that is not an address is ignored — the request counts as coming from the peer that
 * sent it (the proxy), for rate limits and logs alike — so no malformed value reaches SQL and
 * `ip:port` spellings share one bucket.
 */
export function clientIp(req: FastifyRequest): string {
  return normaliseAddress(req.ip) ?? normaliseAddress(req.socket?.remoteAddress) ?? '0.0.0.0';
}

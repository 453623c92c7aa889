import type { FastifyRequest } from 'fastify';

/** Client address as Fastify resolved it (honours TRUST_PROXY), IPv4-mapped IPv6 normalised. */
export function clientIp(req: FastifyRequest): string {
  const ip = req.ip ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

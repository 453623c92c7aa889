import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import ipaddr from 'ipaddr.js';
import { Forbidden, clientIp, safeEqual } from '#libs/common';
import { AppConfig } from '#libs/config';

/**
 * /metrics is for the scraper, not the public: a caller from METRICS_ALLOW_FROM (loopback by
 * default), or one sending `Authorization: Bearer <METRICS_TOKEN>`.
 */
@Injectable()
export class MetricsGuard implements CanActivate {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(private readonly config: AppConfig) {
    this.ranges = config.metrics.allowFrom.map((entry) => {
      if (entry.includes('/')) return ipaddr.parseCIDR(entry);
      const address = ipaddr.parse(entry);
      return [address, address.kind() === 'ipv4' ? 32 : 128];
    });
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const token = this.config.metrics.token;
    const header = req.headers.authorization;
    if (token && typeof header === 'string' && safeEqual(header, `Bearer ${token}`)) return true;
    if (this.allowed(clientIp(req))) return true;
    throw new Forbidden(
      'Metrics are served to METRICS_ALLOW_FROM addresses or with the METRICS_TOKEN bearer token',
      'metrics_forbidden',
    );
  }

  private allowed(ip: string): boolean {
    let address: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      address = ipaddr.process(ip);
    } catch {
      return false;
    }
    return this.ranges.some(
      ([range, bits]) => range.kind() === address.kind() && address.match(range as never, bits),
    );
  }
}

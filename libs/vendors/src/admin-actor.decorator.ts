import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '#libs/audit';
import { clientIp } from '#libs/common';

/** The platform admin (X-Admin-Key holder) as an audit actor. */
export const AdminActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const ua = req.headers['user-agent'];
  return {
    id: 'platform-admin',
    role: 'platform_admin',
    vendorId: null,
    ip: clientIp(req),
    userAgent: typeof ua === 'string' ? ua.slice(0, 500) : null,
  };
});

import {
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Forbidden, Unauthorized, clientIp } from '#libs/common';
import type { VendorPrincipal, VendorRole } from './principal.js';
import { VendorAuthService } from './vendor-auth.service.js';

const ROLES_METADATA = 'vendors:roles';
type AuthedRequest = FastifyRequest & { auth?: VendorPrincipal };

@Injectable()
export class VendorAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: VendorAuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match)
      throw new Unauthorized(
        'Send a vendor API key or token as Authorization: Bearer …',
        'credentials_required',
      );
    const ua = req.headers['user-agent'];
    const principal = await this.auth.authenticate(match[1]!, {
      ip: clientIp(req),
      userAgent: typeof ua === 'string' ? ua.slice(0, 500) : null,
    });
    const allowed =
      this.reflector.get<readonly VendorRole[] | undefined>(ROLES_METADATA, context.getHandler()) ??
      this.reflector.get<readonly VendorRole[] | undefined>(ROLES_METADATA, context.getClass());
    if (!allowed || !allowed.includes(principal.role)) {
      throw new Forbidden(
        `The ${principal.role} role may not do this${allowed ? ` (allowed: ${allowed.join(', ')})` : ''}`,
        'role_forbidden',
      );
    }
    req.auth = principal;
    return true;
  }
}

/** A vendor route: bearer credential required, and the caller's role must be one of `roles`. */
export function VendorAuth(roles: readonly VendorRole[]) {
  return applyDecorators(
    SetMetadata(ROLES_METADATA, roles),
    UseGuards(VendorAuthGuard),
    ApiBearerAuth('vendor'),
    ApiUnauthorizedResponse({
      description:
        '`credentials_required`, `invalid_api_key`, `api_key_revoked`, `invalid_token`, `token_expired`',
    }),
    ApiForbiddenResponse({
      description: `\`role_forbidden\` (allowed roles: ${roles.join(', ')}) or \`vendor_suspended\``,
    }),
  );
}

export const Principal = createParamDecorator((_: unknown, ctx: ExecutionContext): VendorPrincipal => {
  const auth = ctx.switchToHttp().getRequest<AuthedRequest>().auth;
  if (!auth) throw new Unauthorized('Authentication is required', 'credentials_required');
  return auth;
});

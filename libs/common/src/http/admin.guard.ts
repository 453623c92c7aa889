import { CanActivate, ExecutionContext, Injectable, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '#libs/config';
import { safeEqual } from '../crypto/tokens.js';
import { Forbidden, Unauthorized } from '../errors/app-error.js';

/** /api/v1/admin/*: the X-Admin-Key header must equal ADMIN_API_KEY (routes are off without it). */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.secrets.adminApiKey;
    if (!expected)
      throw new Forbidden('Admin routes are disabled: ADMIN_API_KEY is not set', 'admin_disabled');
    const req = context.switchToHttp().getRequest<FastifyRequest & { platformAdmin?: boolean }>();
    const given = req.headers['x-admin-key'];
    if (typeof given !== 'string' || !safeEqual(given, expected))
      throw new Unauthorized('A valid X-Admin-Key is required', 'invalid_admin_key');
    req.platformAdmin = true; // its own idempotency scope
    return true;
  }
}

/** A platform-admin controller: the guard, and its security and errors in the document. */
export const AdminAuth = () =>
  applyDecorators(
    ApiSecurity('admin'),
    UseGuards(AdminGuard),
    ApiUnauthorizedResponse({ description: '`invalid_admin_key`: X-Admin-Key missing or wrong' }),
    ApiForbiddenResponse({ description: '`admin_disabled`: ADMIN_API_KEY is not set' }),
  );

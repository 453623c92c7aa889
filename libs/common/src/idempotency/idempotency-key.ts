import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IDEMPOTENCY_METADATA, type IdempotencyMode } from './idempotency.decorator.js';
import { IdempotencyService } from './idempotency.service.js';

export const MUTATING = new Set(['POST', 'PUT', 'PATCH']);

/** The route's idempotency mode (optional unless the route says otherwise). */
export function modeOf(reflector: Reflector, context: ExecutionContext): IdempotencyMode {
  return (
    reflector.getAllAndOverride<IdempotencyMode | undefined>(IDEMPOTENCY_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]) ?? 'optional'
  );
}

/** The request's Idempotency-Key when this interceptor will claim it (a mutation, a well-formed key). */
export function idempotencyKeyOf(reflector: Reflector, context: ExecutionContext): string | undefined {
  const req = context.switchToHttp().getRequest<FastifyRequest>();
  if (!MUTATING.has(req.method) || modeOf(reflector, context) === 'off') return undefined;
  const header = req.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key !== undefined && IdempotencyService.isValidKey(key) ? key : undefined;
}

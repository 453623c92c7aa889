import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The request body as received (for signature checks); needs `rawBody: true` on the app. */
export const RawBody = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Buffer | undefined =>
    ctx.switchToHttp().getRequest<FastifyRequest & { rawBody?: Buffer }>().rawBody,
);

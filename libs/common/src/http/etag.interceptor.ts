import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
  applyDecorators,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension, ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Observable, map } from 'rxjs';
import { sha256Hex } from '../crypto/tokens.js';

const CACHE_METADATA = 'common:cacheable';

/**
 * Public, cacheable GET responses: a strong ETag from the JSON body, `Cache-Control: public,
 * max-age=…, stale-while-revalidate=…`, and 304 Not Modified when If-None-Match matches.
 */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const maxAge = this.reflector.get<number>(CACHE_METADATA, context.getHandler());
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const etag = `"${sha256Hex(JSON.stringify(body ?? null)).slice(0, 32)}"`;
        reply.header('etag', etag);
        reply.header('cache-control', `public, max-age=${maxAge}, stale-while-revalidate=${maxAge * 5}`);
        reply.header('vary', 'Accept-Encoding');
        const inm = req.headers['if-none-match'];
        if (typeof inm === 'string' && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) {
          reply.status(304);
          return undefined;
        }
        return body;
      }),
    );
  }
}

/** Marks a public GET route cacheable for `maxAgeSeconds` (ETag + Cache-Control + 304). */
export function Cacheable(maxAgeSeconds: number) {
  return applyDecorators(
    SetMetadata(CACHE_METADATA, maxAgeSeconds),
    UseInterceptors(EtagInterceptor),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'An ETag from an earlier response: 304 when unchanged',
    }),
    ApiResponse({ status: 304, description: 'Not modified (the If-None-Match ETag is current)' }),
    ApiExtension('x-cacheable', maxAgeSeconds),
  );
}

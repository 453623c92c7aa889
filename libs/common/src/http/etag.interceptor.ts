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

interface CacheOptions {
  maxAge: number;
  /** Answer a matching If-None-Match with 304 (GET); false for a POST that only labels its body. */
  conditional: boolean;
}

/**
 * How fresh a replica read was, not what it says: left out of the ETag, so a body whose content is
 * unchanged keeps its tag while the replica's lag moves.
 */
const READ_FIELDS = new Set(['freshness', 'replica_lag_ms', 'source']);

const contentOf = (body: unknown): unknown =>
  body && typeof body === 'object' && !Array.isArray(body)
    ? Object.fromEntries(Object.entries(body).filter(([k]) => !READ_FIELDS.has(k)))
    : body;

/**
 * Public, cacheable responses: a strong ETag from the JSON body's content (without the read's
 * freshness fields), `Cache-Control: public, max-age=…, stale-while-revalidate=…`, and 304 Not
 * Modified when If-None-Match matches (GET).
 */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { maxAge, conditional } = this.reflector.get<CacheOptions>(CACHE_METADATA, context.getHandler());
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const etag = `"${sha256Hex(JSON.stringify(contentOf(body) ?? null)).slice(0, 32)}"`;
        reply.header('etag', etag);
        reply.header('cache-control', `public, max-age=${maxAge}, stale-while-revalidate=${maxAge * 5}`);
        reply.header('vary', 'Accept-Encoding');
        const inm = req.headers['if-none-match'];
        if (
          conditional &&
          typeof inm === 'string' &&
          inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag)
        ) {
          reply.status(304);
          return undefined;
        }
        return body;
      }),
    );
  }
}

/**
 * Marks a public route cacheable for `maxAgeSeconds`: ETag + Cache-Control, and 304 on a current
 * If-None-Match unless `conditional: false` (a POST whose body is only labelled).
 */
export function Cacheable(maxAgeSeconds: number, opts: { conditional?: boolean } = {}) {
  const conditional = opts.conditional ?? true;
  return applyDecorators(
    SetMetadata(CACHE_METADATA, { maxAge: maxAgeSeconds, conditional } satisfies CacheOptions),
    UseInterceptors(EtagInterceptor),
    ...(conditional
      ? [
          ApiHeader({
            name: 'If-None-Match',
            required: false,
            description: 'An ETag from an earlier response: 304 when unchanged',
          }),
          ApiResponse({ status: 304, description: 'Not modified (the If-None-Match ETag is current)' }),
        ]
      : []),
    ApiExtension('x-cacheable', maxAgeSeconds),
  );
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Observable, catchError, from, mergeMap } from 'rxjs';
import { sha256Hex } from '../crypto/tokens.js';
import { ValidationFailed } from '../errors/app-error.js';
import { renderError } from '../errors/error-response.js';
import { clientIp } from '../http/client-ip.js';
import { IDEMPOTENCY_METADATA, type IdempotencyMode } from './idempotency.decorator.js';
import { IdempotencyService } from './idempotency.service.js';

const MUTATING = new Set(['POST', 'PUT', 'PATCH']);

/** Who a key belongs to: the authenticated tenant, else the calculator session, else the client IP. */
export function idempotencyScope(req: FastifyRequest): string {
  const tenant = (req as FastifyRequest & { auth?: { vendorId?: string } }).auth?.vendorId;
  if (tenant) return `vendor:${tenant}`;
  const session = req.headers['x-session-token'];
  if (typeof session === 'string' && session) return `session:${sha256Hex(session)}`;
  return `ip:${clientIp(req)}`;
}

function fingerprint(req: FastifyRequest): string {
  const raw = (req as FastifyRequest & { rawBody?: Buffer }).rawBody;
  const body = raw ?? Buffer.from(JSON.stringify(req.body ?? null));
  return sha256Hex(Buffer.concat([Buffer.from(`${req.method} ${req.url}\n`), body]));
}

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly idempotency: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (!MUTATING.has(req.method)) return next.handle();
    const mode =
      this.reflector.getAllAndOverride<IdempotencyMode | undefined>(IDEMPOTENCY_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? 'optional';
    if (mode === 'off') return next.handle();
    const header = req.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined) {
      if (mode === 'required') {
        throw new ValidationFailed(
          'This request needs an Idempotency-Key header',
          [],
          'idempotency_key_required',
        );
      }
      return next.handle();
    }
    IdempotencyService.validateKey(key);
    const scope = idempotencyScope(req);
    const successStatus =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ??
      (req.method === 'POST' ? 201 : 200);
    const claim = { scope, key, method: req.method, path: req.url, fingerprint: fingerprint(req) };

    return from(this.idempotency.begin(claim)).pipe(
      mergeMap((begin) => {
        if (begin.kind === 'replay') throw begin.response;
        return next.handle().pipe(
          mergeMap(async (body) => {
            await this.idempotency.finish(scope, key, successStatus, body);
            return body;
          }),
          catchError(async (err: unknown) => {
            const rendered = renderError(err, String(req.id));
            await this.idempotency.finish(scope, key, rendered.status, rendered.body).catch(() => undefined);
            throw err;
          }),
        );
      }),
    );
  }
}

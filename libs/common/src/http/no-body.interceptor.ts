import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ValidationFailed } from '../errors/app-error.js';

/** Parameters through which a handler reads what was sent: the parsed body, the raw body, the request. */
const READS_BODY = new Set<number>([RouteParamtypes.BODY, RouteParamtypes.RAW_BODY, RouteParamtypes.REQUEST]);

/**
 * A route that takes no body refuses one (400 `body_not_allowed`) instead of ignoring it: what a
 * client sends should either mean something or be an error, and a large or deep body sent to such
 * a route was parsed and silently accepted. `{}` — what many clients send by default — is allowed.
 * Whether a handler takes a body is read once per handler from its parameter decorators.
 */
@Injectable()
export class NoBodyInterceptor implements NestInterceptor {
  private readonly takesBody = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const body = context.switchToHttp().getRequest<FastifyRequest>().body;
    if (body === undefined || body === null || body === '' || isEmptyObject(body)) return next.handle();
    if (!this.handlerTakesBody(context)) {
      throw new ValidationFailed('This route takes no request body', [], 'body_not_allowed');
    }
    return next.handle();
  }

  private handlerTakesBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let known = this.takesBody.get(handler);
    if (known === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
        {}) as Record<string, unknown>;
      known = Object.keys(args).some((key) => READS_BODY.has(Number(key.split(':')[0])));
      this.takesBody.set(handler, known);
    }
    return known;
  }
}

const isEmptyObject = (value: unknown) =>
  typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0;

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { withPlatformScope, withVendorScope } from '#libs/db';

type ScopedRequest = FastifyRequest & { auth?: { vendorId?: string }; platformAdmin?: boolean };

/**
 * Runs the rest of a request (interceptors, handler, the stream it returns) in the database scope
 * its credential earned: a vendor's rows for a vendor credential, every row for the platform
 * admin, none otherwise (row-level security). Registered first, so everything after it is inside.
 */
@Injectable()
export class DbScopeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<ScopedRequest>();
    const vendorId = req.auth?.vendorId;
    if (!vendorId && !req.platformAdmin) return next.handle();
    return new Observable((subscriber) => {
      const run = () => next.handle().subscribe(subscriber);
      return vendorId ? withVendorScope(vendorId, run) : withPlatformScope(run);
    });
  }
}

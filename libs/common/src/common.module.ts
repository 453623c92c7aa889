import { Global, Module } from '@nestjs/common';
import { VaultModule } from '#libs/vault';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor.js';
import { IdempotencyRepository } from './idempotency/idempotency.repository.js';
import { IdempotencyService } from './idempotency/idempotency.service.js';
import { PurgeIdempotencyKeysJob } from './idempotency/purge-idempotency-keys.job.js';
import { AuthFailureGuard, AuthFailureLimiter } from './rate-limit/auth-failures.js';
import { PurgeRateLimitsJob } from './rate-limit/purge-rate-limits.job.js';
import { LateRateLimitGuard, RateLimitGuard } from './rate-limit/rate-limit.guard.js';
import { RateLimitRepository } from './rate-limit/rate-limit.repository.js';
import { RateLimitErasure } from './rate-limit/rate-limit-erasure.js';

/** Cross-cutting request machinery shared by every feature; the api wires it globally. */
@Global()
@Module({
  imports: [VaultModule],
  providers: [
    AuthFailureLimiter,
    AuthFailureGuard,
    RateLimitRepository,
    RateLimitGuard,
    LateRateLimitGuard,
    IdempotencyRepository,
    IdempotencyService,
    IdempotencyInterceptor,
    RateLimitErasure,
    PurgeRateLimitsJob,
    PurgeIdempotencyKeysJob,
  ],
  exports: [
    AuthFailureLimiter,
    AuthFailureGuard,
    RateLimitGuard,
    LateRateLimitGuard,
    // a guard named in @UseGuards is built in the module that names it: the counter store is exported
    // for that (the lib's index does not export it to other libs' code)
    RateLimitRepository,
    IdempotencyService,
    IdempotencyInterceptor,
    RateLimitErasure,
  ],
})
export class CommonModule {}

import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { idempotencyKeyOf } from '../idempotency/idempotency-key.js';
import { applyHits, type DeferredRateLimit } from './apply-hits.js';
import { RATE_LIMIT_METADATA, rateLimitBucket, type RateLimitRule } from './rate-limit.decorator.js';
import { RateLimitRepository } from './rate-limit.repository.js';

/** Applies the @RateLimit rules of a route. Keys are hashed: tokens never reach the table. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  /** The global guard counts the early rules; LateRateLimitGuard the `late` ones. */
  protected readonly late: boolean = false;

  constructor(
    private readonly reflector: Reflector,
    private readonly counters: RateLimitRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rules = this.reflector.getAllAndOverride<RateLimitRule[] | undefined>(RATE_LIMIT_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rules?.length || context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const req = http.getRequest<DeferredRateLimit>();
    const applicable = rules.flatMap((rule) => {
      if ((rule.late ?? false) !== this.late) return [];
      const key = rule.key(req);
      return key === undefined ? [] : [{ rule, bucket: rateLimitBucket(rule, key) }];
    });
    if (applicable.length === 0) return true;
    if (this.isLastGuard(context) && idempotencyKeyOf(this.reflector, context) !== undefined) {
      req.deferredRateLimit = applicable;
      return true;
    }
    const hits = await this.counters.hit(
      applicable.map((a) => ({ bucket: a.bucket, windowSeconds: a.rule.windowSeconds })),
    );
    applyHits(http.getResponse<FastifyReply>(), applicable, hits);
    return true;
  }

  /**
   * Whether no guard runs after this one: the late guard is listed last by construction; the
   * global one is last when the route has no guards of its own (an authenticating guard must
   * stay behind the early count, which is what limits guessing credentials).
   */
  private isLastGuard(context: ExecutionContext): boolean {
    if (this.late) return true;
    const own = this.reflector.getAllAndMerge<unknown[]>(GUARDS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    return own.length === 0;
  }
}

/** The `late` @RateLimit rules, listed after the guard that provides their key. */
@Injectable()
export class LateRateLimitGuard extends RateLimitGuard {
  protected override readonly late = true;
}

import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimited } from '../errors/app-error.js';
import { sha256Hex } from '../crypto/tokens.js';
import { RATE_LIMIT_METADATA, type RateLimitRule } from './rate-limit.decorator.js';
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
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const applicable = rules.flatMap((rule) => {
      if ((rule.late ?? false) !== this.late) return [];
      const key = rule.key(req);
      return key === undefined ? [] : [{ rule, bucket: sha256Hex(`${rule.name}\n${key}`) }];
    });
    if (applicable.length === 0) return true;
    const hits = await this.counters.hit(
      applicable.map((a) => ({ bucket: a.bucket, windowSeconds: a.rule.windowSeconds })),
    );
    let limited: RateLimited | null = null;
    applicable.forEach(({ rule }, i) => {
      const { hits: count, resetAt } = hits[i]!;
      const resetSeconds = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
      reply.header('ratelimit-limit', String(rule.limit));
      reply.header('ratelimit-remaining', String(Math.max(0, rule.limit - count)));
      reply.header('ratelimit-reset', String(resetSeconds));
      if (count > rule.limit && (!limited || resetSeconds > limited.retryAfterSeconds))
        limited = new RateLimited(resetSeconds);
    });
    if (limited) throw limited;
    return true;
  }
}

/** The `late` @RateLimit rules, listed after the guard that provides their key. */
@Injectable()
export class LateRateLimitGuard extends RateLimitGuard {
  protected override readonly late = true;
}

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
    for (const rule of rules) {
      const key = rule.key(req);
      if (key === undefined) continue;
      const { hits, resetAt } = await this.counters.hit(
        sha256Hex(`${rule.name}\n${key}`),
        rule.windowSeconds,
      );
      const resetSeconds = Math.max(1, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
      reply.header('ratelimit-limit', String(rule.limit));
      reply.header('ratelimit-remaining', String(Math.max(0, rule.limit - hits)));
      reply.header('ratelimit-reset', String(resetSeconds));
      if (hits > rule.limit) throw new RateLimited(resetSeconds);
    }
    return true;
  }
}

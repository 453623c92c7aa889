import type { FastifyReply, FastifyRequest } from 'fastify';
import { RateLimited } from '../errors/app-error.js';
import { rateLimitRefusals } from '../http/counters.js';
import type { RateLimitRule } from './rate-limit.decorator.js';
import type { WindowHit } from './rate-limit.repository.js';

/** The rules that apply to a request, with their (hashed) buckets. */
export type ApplicableRules = { rule: RateLimitRule; bucket: string }[];

/**
 * Hits handed from the last guard to the idempotency interceptor, which counts them together with
 * its key claim in one statement (nothing runs between the two, so nothing else changes).
 */
export type DeferredRateLimit = FastifyRequest & { deferredRateLimit?: ApplicableRules };

/** Sets the RateLimit headers from the counts and throws the 429 when a rule is over its limit. */
export function applyHits(reply: FastifyReply, applicable: ApplicableRules, hits: WindowHit[]): void {
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
  if (limited) {
    rateLimitRefusals.inc({ limiter: 'route' });
    throw limited;
  }
}

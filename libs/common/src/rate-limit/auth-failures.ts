import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '#libs/config';
import { sha256Hex } from '../crypto/tokens.js';
import { AppError, RateLimited } from '../errors/app-error.js';
import { clientIp } from '../http/client-ip.js';
import { rateLimitRefusals } from '../http/counters.js';
import { RateLimitRepository } from './rate-limit.repository.js';

/** The 401 codes that mean "a credential was presented and it is wrong" (a guess, or a stale one). */
const FAILED_CREDENTIAL = new Set([
  'invalid_api_key',
  'api_key_revoked',
  'invalid_token',
  'token_expired',
  'token_lifetime_too_long',
  'invalid_admin_key',
  'invalid_session_token',
]);

/**
 * The buckets a request's failed authentication counts in: its address, and the presented
 * credential's prefix — an API key's public prefix (`vk_` + 7, what key listings show), a session
 * token's or admin key's first characters. A JWT counts per address only: it is checked by its
 * signature, and a bucket named by its (unverified) claims would let anyone lock a vendor's users out
 * by forging tokens in their name.
 */
function bucketsOf(req: FastifyRequest): string[] {
  const buckets = [`ip\n${clientIp(req)}`];
  const bearer = /^Bearer\s+(\S+)/i.exec(String(req.headers.authorization ?? ''))?.[1];
  if (bearer?.startsWith('vk_')) buckets.push(`api-key\n${bearer.slice(0, 10)}`);
  const admin = req.headers['x-admin-key'];
  if (typeof admin === 'string' && admin) buckets.push(`admin-key\n${admin.slice(0, 6)}`);
  const session = req.headers['x-session-token'];
  if (typeof session === 'string' && session) buckets.push(`session\n${session.slice(0, 10)}`);
  return buckets.map((b) => sha256Hex(`auth-failure\n${b}`));
}

const presentsCredential = (req: FastifyRequest) =>
  !!(req.headers.authorization || req.headers['x-admin-key'] || req.headers['x-session-token']);

/**
 * Limits credential guessing: failed authentications (a wrong or revoked API key, a bad JWT, a wrong
 * admin key or session token) are counted per address and per presented key prefix in the shared
 * rate-limit table; past AUTH_FAILURE_LIMIT in AUTH_FAILURE_WINDOW_SECONDS a bucket answers 429 with
 * Retry-After — to every request presenting a credential from it, right ones included, until the
 * window ends. The failure that crosses the limit is counted in the database (every api process
 * shares it); each process then refuses the bucket from memory, so a blocked attacker costs no
 * database round trip, and across N api processes at most N more guesses get through per window.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly blocked = new Map<string, number>();

  constructor(
    private readonly counters: RateLimitRepository,
    private readonly config: AppConfig,
  ) {}

  /** Throws 429 when one of the request's buckets is over its limit (checked in memory). */
  refuseIfBlocked(req: FastifyRequest): void {
    if (!presentsCredential(req)) return;
    const now = Date.now();
    let until = 0;
    for (const bucket of bucketsOf(req)) {
      const end = this.blocked.get(bucket);
      if (end === undefined) continue;
      if (end <= now) this.blocked.delete(bucket);
      else until = Math.max(until, end);
    }
    if (until > now) throw this.tooMany(until);
  }

  /**
   * Counts `error` when it is a failed authentication; returns what to answer instead (the 429) when
   * that failure crossed a limit, else null.
   */
  async recordIfFailure(req: FastifyRequest, error: unknown): Promise<RateLimited | null> {
    if (!(error instanceof AppError) || error.status !== 401 || !FAILED_CREDENTIAL.has(error.code))
      return null;
    const { limit, windowSeconds } = this.config.http.authFailures;
    const buckets = bucketsOf(req);
    const hits = await this.counters.hit(buckets.map((bucket) => ({ bucket, windowSeconds })));
    let until = 0;
    hits.forEach((h, i) => {
      if (h.hits > limit) {
        this.blocked.set(buckets[i]!, h.resetAt.getTime());
        until = Math.max(until, h.resetAt.getTime());
      }
    });
    return until ? this.tooMany(until) : null;
  }

  private tooMany(until: number): RateLimited {
    rateLimitRefusals.inc({ limiter: 'auth_failures' });
    return new RateLimited(
      Math.max(1, Math.ceil((until - Date.now()) / 1000)),
      'Too many failed authentications from here; try again later',
    );
  }
}

/** First in the guard chain: a request from a blocked address or for a blocked key stops here. */
@Injectable()
export class AuthFailureGuard implements CanActivate {
  constructor(private readonly limiter: AuthFailureLimiter) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() === 'http') this.limiter.refuseIfBlocked(context.switchToHttp().getRequest());
    return true;
  }
}

import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { sha256Hex } from '../crypto/tokens.js';
import { clientIp } from '../http/client-ip.js';

export const RATE_LIMIT_METADATA = 'common:rate-limit';

export interface RateLimitRule {
  /** Names the counter; two routes with the same name share it. */
  name: string;
  limit: number;
  windowSeconds: number;
  /** What is counted: a client IP, a session, a token… Undefined skips the rule. */
  key: (req: FastifyRequest) => string | undefined;
  /**
   * Counted after the route's own guards (with LateRateLimitGuard listed after them), for keys only
   * an authenticating guard can give, such as the calculator session behind a token.
   */
  late?: boolean;
}

/** Limits a route: `limit` requests per `windowSeconds` per key; 429 with Retry-After beyond. */
export const RateLimit = (...rules: RateLimitRule[]) => SetMetadata(RATE_LIMIT_METADATA, rules);

export const byIp = (req: FastifyRequest): string => clientIp(req);

export const byHeader =
  (name: string) =>
  (req: FastifyRequest): string | undefined => {
    const value = req.headers[name.toLowerCase()];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };

export const byParam =
  (name: string) =>
  (req: FastifyRequest): string | undefined =>
    (req.params as Record<string, string> | undefined)?.[name];

export const byBodyField =
  (name: string) =>
  (req: FastifyRequest): string | undefined => {
    const value = (req.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' && value.length > 0 ? value : undefined;
  };

/** The counter a rule keeps for a key (only its digest is stored: a key can be an e-mail address). */
export const rateLimitBucket = (rule: Pick<RateLimitRule, 'name'>, key: string): string =>
  sha256Hex(`${rule.name}\n${key}`);

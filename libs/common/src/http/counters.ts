import { counter } from '#libs/metrics';

/** Requests refused with 429: by a route's rate limit, or by the failed-authentication limiter. */
export const rateLimitRefusals = counter(
  'http_rate_limit_refusals_total',
  'Requests answered 429 by this process, by limiter (route: a route rate limit; auth_failures: too many failed authentications)',
  ['limiter'],
);

/** Mutations answered from a stored response (the same Idempotency-Key and request again). */
export const idempotentReplays = counter(
  'http_idempotent_replays_total',
  'Mutating requests answered by replaying the stored response of their Idempotency-Key, by route',
  ['route'],
);

import { byBodyField, byIp, type RateLimitRule } from '#libs/common';

const HOUR = 3600;

/** Asking for a privacy link: per client address and per e-mail address (same answer either way). */
export const PRIVACY_LIMITS = {
  byIp: { name: 'privacy-link-ip', limit: 10, windowSeconds: HOUR, key: byIp } as RateLimitRule,
  byEmail: [
    { name: 'privacy-link-email', limit: 3, windowSeconds: HOUR, key: byBodyField('email') },
  ] as RateLimitRule[],
};

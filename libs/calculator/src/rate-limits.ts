import { byBodyField, byIp, type RateLimitRule } from '#libs/common';
import { bySessionId } from './session.guard.js';

const HOUR = 3600;

/**
 * The calculator's limits, one set for the API and the calculator's pages: a rule's name is its
 * counter, so a client cannot get more by switching between the two.
 */
export const CALCULATOR_LIMITS = {
  sessionCreate: { name: 'session-create', limit: 100, windowSeconds: HOUR, key: byIp },
  resumeByIp: { name: 'session-resume-ip', limit: 10, windowSeconds: HOUR, key: byIp },
  resumeByEmail: { name: 'session-resume-email', limit: 3, windowSeconds: HOUR, key: byBodyField('email') },
  step4: { name: 'step4', limit: 3, windowSeconds: HOUR, key: bySessionId, late: true },
} satisfies Record<string, RateLimitRule>;

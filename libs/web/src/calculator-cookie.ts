import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse, serialize } from 'cookie';
import type { FastifyRequest } from 'fastify';

/**
 * The calculator's pages keep the session in a cookie instead of the X-Session-Token header:
 * `<session id>.<session token>`, HttpOnly (no script reads it), SameSite=Lax (a cross-site form
 * post does not carry it), scoped to /calculator, Secure in production.
 */
export const SESSION_COOKIE = 'nrp_calculator';
export const CALCULATOR_PATH = '/calculator';
const MAX_AGE_SECONDS = 30 * 86_400;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TOKEN = /^[A-Za-z0-9_-]{20,200}$/;

export interface CookieSession {
  id: string;
  token: string;
}

export function readSessionCookie(req: FastifyRequest): CookieSession | null {
  const header = req.headers.cookie;
  if (!header) return null;
  const value = parse(header)[SESSION_COOKIE];
  if (!value) return null;
  const dot = value.indexOf('.');
  const id = value.slice(0, dot);
  const token = value.slice(dot + 1);
  return dot > 0 && UUID.test(id) && TOKEN.test(token) ? { id, token } : null;
}

export function sessionCookie(session: CookieSession, secure: boolean): string {
  return serialize(SESSION_COOKIE, `${session.id}.${session.token}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: CALCULATOR_PATH,
    maxAge: MAX_AGE_SECONDS,
  });
}

export function clearedSessionCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: CALCULATOR_PATH,
    maxAge: 0,
  });
}

/**
 * The form token of a session: derived from the session's secret (HMAC), so nothing is stored and
 * only someone who holds the cookie can know it. Every form of a session page carries it.
 */
export function formToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('calculator-form').digest('base64url');
}

export function formTokenMatches(sessionToken: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const expected = Buffer.from(formToken(sessionToken));
  const given = Buffer.from(submitted);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A form post comes from our own pages. A browser that sends Sec-Fetch-Site says so itself
 * (`same-origin`); otherwise its Origin (when sent) must be this host or the public base URL. A
 * client that sends neither is still held by the SameSite cookie and the form token.
 */
export function postedFromHere(req: FastifyRequest, publicBaseUrl: string): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  try {
    const from = new URL(origin);
    // the Host header read with the Origin's scheme, so a default port compares equal (localhost:80)
    const host = req.headers.host ? new URL(`${from.protocol}//${req.headers.host}`).host : null;
    return from.host === host || from.origin === new URL(publicBaseUrl).origin;
  } catch {
    return false;
  }
}

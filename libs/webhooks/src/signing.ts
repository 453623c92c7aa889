import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export const SECRET_PREFIX = 'whsec_';

/** The key bytes of a `whsec_<base64>` secret (what both signatures are keyed with). */
export function secretKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

/**
 * Headers for one delivery. Standard Webhooks: `webhook-id`, `webhook-timestamp` (unix seconds),
 * `webhook-signature` = space-separated `v1,<base64 HMAC-SHA256(id.timestamp.body)>`, one per
 * active secret (two during a rotation), made by the `standardwebhooks` package. Seed 003's:
 * `X-Timestamp`, `X-Signature: sha256=<hex HMAC-SHA256("timestamp\\nbody")>` with the current
 * secret's key, and `X-Idempotency-Key` = the event id.
 */
export function signDelivery(
  eventId: string,
  at: Date,
  body: string,
  secrets: string[],
): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  const signatures = secrets.map((s) => new Webhook(s).sign(eventId, at, body));
  const legacy = createHmac('sha256', secretKey(secrets[0]!)).update(`${timestamp}\n${body}`).digest('hex');
  return {
    'content-type': 'application/json',
    'webhook-id': eventId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
    'x-timestamp': String(timestamp),
    'x-signature': `sha256=${legacy}`,
    'x-idempotency-key': eventId,
  };
}

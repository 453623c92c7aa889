import { randomBytes } from 'node:crypto';

/** This run's secrets: random, as production requires (the api refuses guessable ones). */
export const BENCH_SECRETS = {
  JWT_SECRET: randomBytes(32).toString('base64url'),
  VAULT_MASTER_KEY: randomBytes(32).toString('hex'),
  ADMIN_API_KEY: randomBytes(24).toString('base64url'),
};

/** Environment for a benchmark's api/worker children: production settings on the bench database. */
export function benchEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    ...BENCH_SECRETS,
    PAYMENTS_ENABLED: 'false',
    ...extra,
  };
}

/**
 * JSON call to the api as client number `client` (its own X-Forwarded-For address: the api runs
 * with TRUST_PROXY, so per-IP limits see many clients, as in production).
 */
export async function apiCall(
  base: string,
  client: number,
  method: string,
  url: string,
  token: string | null,
  body?: unknown,
): Promise<Record<string, string>> {
  const res = await fetch(base + url, {
    method,
    headers: {
      'x-forwarded-for': `198.51.${Math.floor(client / 250) % 250}.${client % 250}`,
      ...(token ? { 'x-session-token': token } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, string>;
}

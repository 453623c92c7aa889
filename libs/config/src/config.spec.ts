import { ConfigError } from './app-config.js';
import { DEV_JWT_SECRET, PUBLIC_EXAMPLE_SECRETS, loadConfig } from './config.js';

const DB = { DATABASE_URL: 'postgres://u:p@localhost:5432/app' };
/** A production environment with real-looking secrets (random, as `openssl rand -hex 32` gives). */
const PRODUCTION = {
  ...DB,
  NODE_ENV: 'production',
  JWT_SECRET: '3f9c1e7a5b2d4c6e8a0b1d3f5e7c9a2b4d6f8e0a1c3e5b7d9f',
  VAULT_MASTER_KEY: '8c1f4a7e2b5d9c3f6a0e1b4d7c2f5a8e3b6d9c0f4a7e1b5d8c2f6a9e3b7d0c4f',
  ADMIN_API_KEY: 'adm_7Qk2Vx9Lp4Rt8Zs1Wn6Ye3Hb5',
  STRIPE_SECRET_KEY: 'sk_live_x',
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies documented defaults', () => {
    const config = loadConfig(DB);
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.http.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.database.replicaUrls).toEqual([]);
    expect(config.queue.schema).toBe('pgboss');
    expect(config.secrets.jwtSecret).toBe(DEV_JWT_SECRET);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('parses lists, numbers and booleans', () => {
    const config = loadConfig({
      ...DB,
      PORT: '8080',
      DATABASE_REPLICA_URLS: 'postgres://r1/app, postgres://r2/app',
      CORS_ORIGINS: 'https://a.example,https://b.example',
      TRUST_PROXY: '1',
      WORKER_QUEUES: 'mail.send,report.generate',
    });
    expect(config.http.port).toBe(8080);
    expect(config.database.replicaUrls).toEqual(['postgres://r1/app', 'postgres://r2/app']);
    expect(config.http.corsOrigins).toHaveLength(2);
    expect(config.http.trustProxy).toBe(1);
    expect(loadConfig({ ...DB, TRUST_PROXY: '10.0.0.0/8, 192.168.1.7' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
    ]);
    expect(loadConfig({ ...DB, TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
    expect(config.queue.workerQueues).toEqual(['mail.send', 'report.generate']);
  });

  it('names every bad variable at once', () => {
    const found = problems({
      DATABASE_URL: 'mysql://x',
      PORT: 'abc',
      LOG_LEVEL: 'loud',
      TRUST_PROXY: 'maybe',
    });
    expect(found.join('\n')).toMatch(/DATABASE_URL must use postgres/);
    expect(found.join('\n')).toMatch(/PORT must be an integer/);
    expect(found.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(found.join('\n')).toMatch(/TRUST_PROXY must be false, a hop count, or .* \(not: maybe\)/);
    // "trust any proxy" lets a client choose its own address: refused, with what to write instead
    expect(problems({ ...DB, TRUST_PROXY: 'true' }).join('\n')).toMatch(/TRUST_PROXY=true would believe any/);
  });

  it('requires DATABASE_URL unless the launcher provides one', () => {
    expect(problems({})).toEqual([expect.stringMatching(/^DATABASE_URL is required/)]);
    expect(() => loadConfig({}, { requireDatabase: false })).not.toThrow();
  });

  it('refuses to start in production without real secrets', () => {
    const found = problems({ ...DB, NODE_ENV: 'production' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^JWT_SECRET is required/),
        expect.stringMatching(/^VAULT_MASTER_KEY is required/),
        expect.stringMatching(/^ADMIN_API_KEY is required/),
        expect.stringMatching(/^STRIPE_SECRET_KEY is required/),
      ]),
    );
    expect(() => loadConfig(PRODUCTION)).not.toThrow();
  });

  describe('refuses unsafe production settings at start', () => {
    it('the public development JWT_SECRET (a token forged with it would be accepted)', () => {
      expect(problems({ ...PRODUCTION, JWT_SECRET: DEV_JWT_SECRET })).toEqual([
        expect.stringMatching(/^JWT_SECRET is a public example value/),
      ]);
      // outside production it is the default, with a warning at start-up
      expect(loadConfig({ ...DB, JWT_SECRET: DEV_JWT_SECRET }).secrets.jwtSecret).toBe(DEV_JWT_SECRET);
    });

    it.each([
      ['JWT_SECRET', 'x'.repeat(40), /not random enough/],
      ['JWT_SECRET', 'ab'.repeat(20), /not random enough/],
      ['ADMIN_API_KEY', 'k'.repeat(32), /not random enough/],
      ['ADMIN_API_KEY', 'CHANGEME'.padEnd(8, '!'), /at least 24|public example/],
      ['METRICS_TOKEN', '0'.repeat(32), /not random enough/],
      ['VAULT_MASTER_KEY', '0'.repeat(64), /public example value/],
      ['VAULT_MASTER_KEY', 'ab'.repeat(32), /not random enough/],
      ['VAULT_PREVIOUS_KEYS', '0'.repeat(64), /VAULT_PREVIOUS_KEYS\[0\] is a public example value/],
      ['JWT_SECRET', 'short', /at least 32/],
      ['ADMIN_API_KEY', 'short-admin-key', /at least 24/],
      ['METRICS_TOKEN', 'short-token', /at least 24/],
    ])('%s = %s', (name, value, reason) => {
      expect(problems({ ...PRODUCTION, [name]: value }).join('\n')).toMatch(reason);
    });

    it('every documented example value', () => {
      for (const example of PUBLIC_EXAMPLE_SECRETS.filter((e) => e.length >= 32)) {
        expect(problems({ ...PRODUCTION, JWT_SECRET: example }).join('\n')).toMatch(/JWT_SECRET is/);
      }
    });

    it('the sandbox provider unless payments are on and PAYMENTS_ALLOW_SANDBOX is set', () => {
      const { STRIPE_SECRET_KEY: _k, STRIPE_WEBHOOK_SECRET: _w, ...noStripe } = PRODUCTION;
      expect(problems(noStripe)).toEqual([expect.stringMatching(/^STRIPE_SECRET_KEY is required/)]);
      // payments off: no provider at all (the sandbox's routes are not registered)
      expect(loadConfig({ ...noStripe, PAYMENTS_ENABLED: 'false' }).payments.provider).toBe('none');
      expect(
        loadConfig({ ...noStripe, PAYMENTS_ENABLED: 'false', PAYMENTS_ALLOW_SANDBOX: 'true' }).payments
          .provider,
      ).toBe('none');
      expect(loadConfig({ ...noStripe, PAYMENTS_ALLOW_SANDBOX: 'true' }).payments.provider).toBe('sandbox');
      expect(loadConfig(PRODUCTION).payments.provider).toBe('stripe');
      // Stripe stays the provider with payments off: refunds and disputes of earlier payments arrive
      expect(loadConfig({ ...PRODUCTION, PAYMENTS_ENABLED: 'false' }).payments.provider).toBe('stripe');
      // development: the sandbox, unless payments are off
      expect(loadConfig(DB).payments.provider).toBe('sandbox');
      expect(loadConfig({ ...DB, PAYMENTS_ENABLED: 'false' }).payments.provider).toBe('none');
    });
  });

  it('validates secret formats', () => {
    expect(problems({ ...DB, JWT_SECRET: 'short' })).toEqual([
      expect.stringMatching(/JWT_SECRET must be at least 32/),
    ]);
    expect(problems({ ...DB, VAULT_MASTER_KEY: 'nothex' })).toEqual([
      expect.stringMatching(/VAULT_MASTER_KEY must be 32 bytes/),
    ]);
    expect(problems({ ...DB, VAULT_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') })).toEqual([]);
  });
});

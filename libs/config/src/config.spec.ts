import { ConfigError } from './app-config.js';
import { DEV_JWT_SECRET, loadConfig } from './config.js';

const DB = { DATABASE_URL: 'postgres://u:p@localhost:5432/app' };

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
    expect(() =>
      loadConfig({
        ...DB,
        NODE_ENV: 'production',
        JWT_SECRET: 'x'.repeat(40),
        VAULT_MASTER_KEY: 'ab'.repeat(32),
        ADMIN_API_KEY: 'k'.repeat(32),
        STRIPE_SECRET_KEY: 'sk_live_x',
        STRIPE_WEBHOOK_SECRET: 'whsec_x',
      }),
    ).not.toThrow();
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

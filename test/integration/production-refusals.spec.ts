import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DEV_JWT_SECRET, loadConfig } from '#libs/config';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Production settings that are safe: random secrets, Stripe keys. */
function productionEnv(db: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: db,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    VAULT_MASTER_KEY: randomBytes(32).toString('hex'),
    ADMIN_API_KEY: randomBytes(24).toString('base64url'),
    STRIPE_SECRET_KEY: 'sk_live_for_refusal_tests',
    STRIPE_WEBHOOK_SECRET: 'whsec_for_refusal_tests',
    LOG_LEVEL: 'silent',
    PORT: '0',
  };
}

/** Starts the built api process (npm test builds first) and returns how it ended. */
function startApi(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the api started instead of refusing: ${stderr}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stderr });
    });
  });
}

/**
 * Attack round two: production started with the public development JWT_SECRET (a token forged
 * with it for any vendor got in) and kept the sandbox's routes with payments off (anonymous
 * refunds, free "payments"). Each unsafe setting now stops the process before it listens.
 */
describe('production refuses unsafe settings (integration)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it.each([
    ['the development JWT_SECRET', { JWT_SECRET: DEV_JWT_SECRET }, /JWT_SECRET is a public example value/],
    [
      'a JWT_SECRET of one repeated character',
      { JWT_SECRET: 'x'.repeat(48) },
      /JWT_SECRET is not random enough/,
    ],
    ['a short ADMIN_API_KEY', { ADMIN_API_KEY: 'admin-key' }, /ADMIN_API_KEY must be at least 24/],
    [
      'an all-zero VAULT_MASTER_KEY',
      { VAULT_MASTER_KEY: '0'.repeat(64) },
      /VAULT_MASTER_KEY is a public example/,
    ],
    ['no JWT_SECRET', { JWT_SECRET: '' }, /JWT_SECRET is required/],
    [
      'the sandbox without PAYMENTS_ALLOW_SANDBOX',
      { STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' },
      /STRIPE_SECRET_KEY is required when NODE_ENV=production/,
    ],
  ])(
    '%s: exits 1 naming the variable',
    async (_what, override, message) => {
      const { code, stderr } = await startApi({ ...productionEnv(db.url), ...override });
      expect(code).toBe(1);
      expect(stderr).toMatch(message);
    },
    30_000,
  );

  describe('with payments switched off in production', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      const env = productionEnv(db.url);
      delete (env as Partial<typeof env>).STRIPE_SECRET_KEY;
      delete (env as Partial<typeof env>).STRIPE_WEBHOOK_SECRET;
      app = await createApiApp(
        loadConfig({ ...env, PAYMENTS_ENABLED: 'false', PAYMENTS_ALLOW_SANDBOX: 'true' }),
      );
    });

    afterAll(async () => {
      await app.close();
    });

    it('registers none of the sandbox routes (no free payment, no anonymous refund)', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/payments/sandbox/cs_sandbox_x'],
        ['POST', '/api/v1/payments/sandbox/cs_sandbox_x/complete'],
        ['POST', '/api/v1/payments/sandbox/cs_sandbox_x/refund'],
        ['POST', '/api/v1/payments/sandbox/cs_sandbox_x/dispute'],
        ['POST', '/api/v1/payments/sandbox/cs_sandbox_x/pay'],
      ] as const) {
        const res = await app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
        expect([url, res.statusCode]).toEqual([url, 404]);
      }
      const doc = (await app.inject({ url: '/docs-json' })).json() as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths).filter((p) => p.includes('/sandbox/'))).toEqual([]);
    });

    it('has no development mailbox, and the calculator pages’ cookie is Secure', async () => {
      for (const url of ['/dev/mail', `/dev/mail/${randomUUID()}`]) {
        expect((await app.inject({ url })).statusCode).toBe(404);
      }
      const doc = (await app.inject({ url: '/docs-json' })).json() as { paths: Record<string, unknown> };
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/dev/'))).toEqual([]);
      const landing = await app.inject({ url: '/' });
      expect(landing.body).not.toContain('/dev/mail');
      const started = await app.inject({
        method: 'POST',
        url: '/calculator/start',
        headers: { origin: 'https://nutrition.example', 'sec-fetch-site': 'same-origin' },
      });
      expect(started.statusCode).toBe(303);
      expect(String(started.headers['set-cookie'])).toMatch(/; Secure/);
    });

    it('gives no report link through the checkout return', async () => {
      const res = await app.inject({ url: '/calculator/paid?checkout_session_id=cs_sandbox_anything' });
      expect([404, 503]).toContain(res.statusCode);
      expect(res.headers.location).toBeUndefined();
    });
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { createApiApp } from '../support/api-app.js';
import { freePort } from '#libs/db/embedded';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

/** Regressions from trying the api as an attacker: spoofed addresses, public internals, bodies that broke it. */
describe('attack surface (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let v: VendorClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY, TRUST_PROXY: '1', METRICS_TOKEN });
    app = await createApiApp(config);
    v = (await createVendor(app, 'fuzzed')).client;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('does not let a rotating left-most X-Forwarded-For reset a per-address limit (TRUST_PROXY=1)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/calculator/sessions/resume',
        remoteAddress: '10.0.0.2', // the load balancer
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}, 198.51.100.7` },
        payload: { email: `someone${i}@example.com` },
      });
      statuses.push(res.statusCode);
    }
    // the limit is 10 an hour per client address: the address the proxy saw, not the spoofed one
    expect(statuses.slice(0, 10).every((s) => s === 202)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429, 429]);
  });

  it('serves /metrics only to allowed addresses or with the token', async () => {
    const from = (remoteAddress: string, headers: Record<string, string> = {}) =>
      app.inject({ url: '/metrics', remoteAddress, headers });
    expect((await from('127.0.0.1')).statusCode).toBe(200);
    const outside = await from('203.0.113.9');
    expect([outside.statusCode, outside.json().error.code]).toEqual([403, 'metrics_forbidden']);
    // a spoofed left-most forwarded address does not get in: only the proxy's hop is believed
    expect((await from('10.0.0.2', { 'x-forwarded-for': '127.0.0.1, 203.0.113.10' })).statusCode).toBe(403);
    expect((await from('203.0.113.9', { authorization: `Bearer ${METRICS_TOKEN}` })).statusCode).toBe(200);
    expect(
      (await from('203.0.113.9', { authorization: 'Bearer wrong-token-0000000000000000' })).statusCode,
    ).toBe(403);
  });

  it('answers 415 to form bodies on JSON routes (a cross-site form cannot POST)', async () => {
    for (const type of [
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/calculator/sessions/resume',
        headers: { 'content-type': type },
        payload: 'email=victim%40example.com',
      });
      expect([type, res.statusCode, res.json().error.code]).toEqual([type, 415, 'unsupported_media_type']);
    }
  });

  it('answers 400 to deeply nested JSON, lone surrogates, NULs and multi-line or bidi names', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const nested = await app.inject({
      method: 'POST',
      url: '/api/v1/calculator/sessions/resume',
      headers: { 'content-type': 'application/json' },
      payload: `{"email":${deep}}`,
    });
    expect([nested.statusCode, nested.json().error.code]).toEqual([400, 'input_too_deep']);
    const surrogate = await v.request('POST', '/products', {
      external_id: 'S-1',
      name: 'Bar \ud800',
      category: 'bars',
    });
    expect([surrogate.statusCode, surrogate.json().error.code]).toEqual([400, 'invalid_text']);
    for (const name of ['Line one\nline two', 'Evil \u202Egnp.exe', 'Tab\there']) {
      const res = await v.request('POST', '/products', { external_id: 'S-2', name, category: 'bars' });
      expect([name, res.statusCode]).toEqual([name, 400]);
    }
    const search = await v.request('GET', `/search?q=${encodeURIComponent('bar\u0000')}`);
    expect(search.statusCode).toBe(400);
  });

  it('never answers ≥ 500 to 2 000 random JSON bodies on public and vendor routes (fuzz)', async () => {
    const session = (
      await app.inject({ method: 'POST', url: '/api/v1/calculator/sessions', remoteAddress: '192.0.2.50' })
    ).json();
    const ids = { product: randomUUID(), customer: randomUUID() };
    const routes: { method: 'POST' | 'PUT' | 'PATCH'; url: string; as: 'public' | 'session' | 'vendor' }[] = [
      { method: 'POST', url: '/calculator/sessions/resume', as: 'public' },
      { method: 'POST', url: '/calculator/step/1', as: 'session' },
      { method: 'POST', url: '/calculator/step/2', as: 'session' },
      { method: 'POST', url: '/calculator/step/4', as: 'session' },
      { method: 'PATCH', url: `/calculator/sessions/${session.id}`, as: 'session' },
      { method: 'POST', url: '/payments/checkout', as: 'session' },
      { method: 'POST', url: '/products', as: 'vendor' },
      { method: 'PUT', url: `/products/${ids.product}`, as: 'vendor' },
      { method: 'PATCH', url: `/products/${ids.product}`, as: 'vendor' },
      { method: 'POST', url: '/products/compare', as: 'vendor' },
      { method: 'POST', url: '/customers', as: 'vendor' },
      { method: 'PUT', url: `/customers/${ids.customer}/health-profile`, as: 'vendor' },
      { method: 'PATCH', url: `/customers/${ids.customer}`, as: 'vendor' },
      { method: 'PUT', url: '/diet-rules/hypertension', as: 'vendor' },
      { method: 'POST', url: '/webhooks/endpoints', as: 'vendor' },
      { method: 'POST', url: '/api-keys', as: 'vendor' },
      { method: 'POST', url: '/ingest/csv?mode=products', as: 'vendor' },
      { method: 'POST', url: '/ingest/feeds', as: 'vendor' },
    ];
    const FIELDS = [
      'name',
      'external_id',
      'email',
      'category',
      'price_cents',
      'health_profile',
      'conditions',
      'age',
      'sex',
      'weight_kg',
      'ids',
      'url',
      'events',
      'role',
      'mapping',
      'policy',
      'tier',
      'session_id',
      'first_name',
      'height_ft',
      'goal',
      'allergies',
      'dietary_tags',
      'notes',
      '__proto__',
      'constructor',
    ];
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('\ud800', '\udfff', '\u0000', '\u202e', 'a\nb', '💥'.repeat(3), 'x'.repeat(5000), ''),
    );
    const scalar = fc.oneof(
      text,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constantFrom(1e308, -0, 2 ** 53 + 1),
    );
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        scalar,
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), text), tie('value'), { maxKeys: 5 }),
      ),
    }));
    const deepBody = fc.integer({ min: 1, max: 3000 }).map((d) => '['.repeat(d) + ']'.repeat(d));
    const body = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 })
          .map((o) => JSON.stringify(o)),
      },
      { weight: 2, arbitrary: value.map((x) => JSON.stringify(x) ?? 'null') },
      { weight: 1, arbitrary: deepBody.map((d) => `{"name":${d}}`) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) }, // not even JSON
    );
    const failures: string[] = [];
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: routes.length - 1 }), body, async (r, payload) => {
        const route = routes[r]!;
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        };
        if (route.as === 'vendor') headers.authorization = `Bearer ${v.token}`;
        if (route.as === 'session') headers['x-session-token'] = session.session_token;
        const res = await app.inject({
          method: route.method,
          url: `/api/v1${route.url}`,
          headers,
          payload,
          remoteAddress: `192.0.2.${(sent++ % 200) + 1}`,
        });
        if (res.statusCode >= 500)
          failures.push(`${route.method} ${route.url} ${payload.slice(0, 200)} → ${res.statusCode}`);
        return res.statusCode < 500;
      }),
      { numRuns: 2000, seed: 20261130, endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(2000);
    expect(failures).toEqual([]);
  }, 240_000);

  it('shows readiness as codes: a broken database is "error", never the driver message', async () => {
    const ok = await app.inject({ url: '/health/ready' });
    expect(ok.json()).toEqual({ status: 'ok', checks: { database: 'ok', queue: 'ok', generator: 'off' } });
    const other = await createTestDatabase();
    const broken = await createApiApp(testConfig(other.url));
    try {
      await other.drop(); // the database goes away under the running api
      const res = await broken.inject({ url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.database).toMatch(/^(error|timeout)$/);
      expect(res.body).not.toMatch(/terminat|ECONN|nrp_t_|does not exist/i);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});

/** The request log, read from a real api process: tokens are redacted however the path is spelled. */
describe('request log (e2e, api process)', () => {
  const API = fileURLToPath(new URL('../../dist/apps/api/src/main.js', import.meta.url));
  let db: TestDatabase;
  let child: ChildProcess;
  let out = '';
  let base = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [API], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    await waitFor(async () => (out.includes('api listening') ? true : undefined), 30_000).catch((err) => {
      throw new Error(`the api did not start: ${out.slice(-3000)}`, { cause: err });
    });
  });

  afterAll(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.drop();
  });

  it('logs every request, /r/ included, without the token; warns about the development JWT secret', async () => {
    const token = 'Zx3kQ9_abcdefghijklmnopqrstuvwxyz0123456789';
    await fetch(`${base}/api/v1/%72eports/${token}/status`);
    await fetch(`${base}/r/${token}`);
    await waitFor(async () => (out.includes('/r/[redacted]') ? true : undefined), 10_000);
    expect(out).toContain('/api/v1/reports/[redacted]/status');
    expect(out).not.toContain(token);
    expect(out).toMatch(/JWT_SECRET is not set/);
  });
});

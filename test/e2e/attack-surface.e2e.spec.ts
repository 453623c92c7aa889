import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
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

  it('never answers ≥ 500 to 5 000 random JSON bodies, numbers of any magnitude and any client address (fuzz)', async () => {
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
      { method: 'POST', url: '/calculator/sessions', as: 'public' },
      { method: 'POST', url: '/calculator/step/3', as: 'session' },
      { method: 'PUT', url: '/diet-rules/gout', as: 'vendor' },
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
    // numbers of every magnitude: class-validator's maxDecimalPlaces threw below 1e-6 (a 500)
    const magnitude = fc.oneof(
      fc.double({ noNaN: true }),
      fc.constantFrom(1e308, -0, 2 ** 53 + 1, 1e-7, 5e-324, -1e-300, 1e21, 1.5e-10, Number.MAX_VALUE),
      fc.integer({ min: -400, max: 400 }).map((e) => Number(`1e${e}`)),
    );
    const scalar = fc.oneof(text, fc.integer(), magnitude, fc.boolean(), fc.constant(null));
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
    // the client address as a proxy forwards it (TRUST_PROXY=1): an inet cast of 999.1.1.1 was a 500
    const forwarded = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.tuple(fc.ipV4(), fc.nat({ max: 70_000 })).map(([ip, port]) => `${ip}:${port}`),
      fc.tuple(fc.ipV6(), fc.nat({ max: 70_000 })).map(([ip, port]) => `[${ip}]:${port}`),
      fc.constantFrom(
        '999.1.1.1',
        '1.2.3',
        'unknown',
        '::ffff:999.0.0.1',
        "1.1.1.1'--",
        '',
        ' , ',
        'fe80::1%eth0',
      ),
      fc.string({ unit: 'binary-ascii', maxLength: 60 }),
    );
    const failures: string[] = [];
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: routes.length - 1 }), body, forwarded, async (r, payload, xff) => {
        const route = routes[r]!;
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
          'x-forwarded-for': xff.replace(/[\r\n]/g, ''),
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
      { numRuns: 5000, seed: 20261207, endOnFailure: true },
    );
    expect(sent).toBeGreaterThanOrEqual(5000);
    expect(failures).toEqual([]);
  }, 480_000);

  it('answers every report route with any forwarded address: never ≥ 500, the address never reaching SQL', async () => {
    const statuses = new Set<number>();
    for (const xff of [
      '999.1.1.1',
      '203.0.113.7:1234',
      '[2001:db8::1]:443',
      'not-an-ip',
      '1.1.1.1, 999.9.9.9',
    ]) {
      for (const path of [
        '/api/v1/reports/nosuchtoken0123456789abcdefghijklmnop/status',
        '/r/nosuchtoken0123456789abcdefghijklmnopq',
      ]) {
        const res = await app.inject({
          url: path,
          remoteAddress: '10.0.0.2',
          headers: { 'x-forwarded-for': xff },
        });
        statuses.add(res.statusCode);
        expect([xff, path, res.statusCode < 500]).toEqual([xff, path, true]);
      }
    }
    expect([...statuses].every((s) => s >= 400 && s < 500)).toBe(true);
  });

  it("answers Fastify's and Node's own refusals (414, 431, a bad URL) in the error shape, never echoing the URL", async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = await app.getUrl();
    const long = 'x'.repeat(300) + 'SECRETMARKER';
    const tooLong = await fetch(`${base}/api/v1/customers/${long}`);
    const tooLongBody = await tooLong.text();
    expect(tooLong.status).toBe(414);
    expect(JSON.parse(tooLongBody)).toMatchObject({ error: { code: 'uri_too_long', details: [] } });
    expect(tooLongBody).not.toContain('SECRETMARKER');
    const badUrl = await fetch(`${base}/api/v1/customers/%E0%A4%A`);
    expect(badUrl.status).toBe(400);
    expect(JSON.parse(await badUrl.text()).error.code).toBe('bad_request');
    // headers past Node's 16 KiB limit: the HTTP parser refuses before Fastify sees the request
    const huge = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(base);
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`GET /api/v1/vendors HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let raw = '';
      socket.on('data', (d) => (raw += d.toString()));
      socket.on('close', () => {
        const [head, ...rest] = raw.split('\r\n\r\n');
        resolve({ status: Number(head!.split(' ')[1]), body: rest.join('\r\n\r\n') });
      });
      socket.on('error', reject);
    });
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toMatchObject({ error: { code: 'headers_too_large' } });
    expect(JSON.parse(huge.body).request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses a body on a route that takes none (a deep body on POST /calculator/sessions)', async () => {
    const deep = '['.repeat(2000) + ']'.repeat(2000);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/calculator/sessions',
      remoteAddress: '192.0.2.77',
      headers: { 'content-type': 'application/json' },
      payload: `{"x":${deep}}`,
    });
    expect([res.statusCode, res.json().error.code]).toEqual([400, 'body_not_allowed']);
    // an empty object is what many clients send by default: accepted
    const empty = await app.inject({
      method: 'POST',
      url: '/api/v1/calculator/sessions',
      remoteAddress: '192.0.2.78',
      payload: {},
    });
    expect(empty.statusCode).toBe(201);
  });

  it('limits credential guessing: failed authentications per address, then 429 with Retry-After', async () => {
    const guess = (i: number, from = '198.51.100.40') =>
      app.inject({
        url: '/api/v1/search?q=bar',
        remoteAddress: from,
        headers: { authorization: `Bearer vk_${String(i).padStart(8, '0')}${'x'.repeat(35)}` },
      });
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await guess(i)).statusCode);
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses.slice(30)).toEqual([429, 429]);
    const blocked = await guess(99);
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // even the right key is refused from that address until the window ends: a guess that would
    // have succeeded gets no answer saying so
    const right = await app.inject({
      url: '/api/v1/search?q=bar',
      remoteAddress: '198.51.100.40',
      headers: { authorization: `Bearer ${v.token}` },
    });
    expect(right.statusCode).toBe(429);
    // other addresses are unaffected
    expect(
      (
        await app.inject({
          url: '/api/v1/search?q=bar',
          remoteAddress: '198.51.100.41',
          headers: { authorization: `Bearer ${v.token}` },
        })
      ).statusCode,
    ).toBe(200);
    // wrong admin keys and session tokens count the same way
    const admin = [];
    for (let i = 0; i < 31; i++)
      admin.push(
        (
          await app.inject({
            url: '/api/v1/admin/reports/stats',
            remoteAddress: '198.51.100.50',
            headers: { 'x-admin-key': `wrong-admin-key-${i}-0123456789abcdef` },
          })
        ).statusCode,
      );
    expect(admin.at(-1)).toBe(429);
    const sessions = [];
    for (let i = 0; i < 31; i++)
      sessions.push(
        (
          await app.inject({
            url: `/api/v1/calculator/sessions/${randomUUID()}`,
            remoteAddress: '198.51.100.60',
            headers: { 'x-session-token': `st_wrong_${i}_0123456789abcdefghij` },
          })
        ).statusCode,
      );
    expect(sessions.at(-1)).toBe(429);
  });

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

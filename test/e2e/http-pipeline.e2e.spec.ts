import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { IdempotencyRequired, IsSafeText, RateLimit, byHeader } from '#libs/common';
import { BookkeepingPool } from '#libs/db';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

class CreateOrderDto {
  @ApiProperty()
  @IsSafeText({ min: 1, max: 50 })
  item!: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(100)
  quantity!: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Max(5000)
  delay_ms?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  explode?: boolean;
}

/** Keys in an order PostgreSQL's jsonb would not keep (it sorts them by length, then bytes). */
class OrderView {
  @ApiProperty() quantity!: number;
  @ApiProperty() item!: string;
  @ApiProperty() id!: number;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

class OkView {
  @ApiProperty() ok!: boolean;
}

/** A probe route that uses the real pipeline and records each execution in the database. */
@Controller('probe')
class ProbeController {
  constructor(private readonly db: DataSource) {}

  private async execute(dto: CreateOrderDto) {
    const [row] = await this.db.query(`INSERT INTO probe_orders (item) VALUES ($1) RETURNING id`, [dto.item]);
    if (dto.delay_ms) await new Promise((r) => setTimeout(r, dto.delay_ms));
    if (dto.explode) throw new Error('secret internals: connection string postgres://x');
    return { quantity: dto.quantity, item: dto.item, id: row.id as number, note: null };
  }

  @Post('orders')
  @ApiCreatedResponse({ type: OrderView })
  create(@Body() dto: CreateOrderDto) {
    return this.execute(dto);
  }

  @Post('vendor-orders')
  @IdempotencyRequired()
  @ApiCreatedResponse({ type: OrderView })
  createRequired(@Body() dto: CreateOrderDto) {
    return this.execute(dto);
  }

  @Post('limited-orders')
  @RateLimit({ name: 'probe-limited-orders', limit: 2, windowSeconds: 3600, key: byHeader('x-client') })
  @ApiCreatedResponse({ type: OrderView })
  createLimited(@Body() dto: CreateOrderDto) {
    return this.execute(dto);
  }

  @Post('limited')
  @HttpCode(200)
  @RateLimit({ name: 'probe-limited', limit: 3, windowSeconds: 3600, key: byHeader('x-client') })
  @ApiOkResponse({ type: OkView })
  limited() {
    return { ok: true };
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('HTTP pipeline (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let app2: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    [app, app2] = await Promise.all([
      createApiApp(testConfig(db.url), { imports: [ProbeModule] }),
      createApiApp(testConfig(db.url), { imports: [ProbeModule] }),
    ]);
    const owner = await db.owner();
    await owner.query(`CREATE TABLE probe_orders (id serial PRIMARY KEY, item text NOT NULL)`);
    await owner.query(`SELECT grant_application_roles()`); // as the migrate command does for new tables
  });

  afterAll(async () => {
    await Promise.all([app.close(), app2.close()]);
    await db.drop();
  });

  const executions = async (item: string) =>
    Number(
      (await (await db.owner()).query(`SELECT count(*) AS n FROM probe_orders WHERE item = $1`, [item]))[0].n,
    );

  const post = (
    target: NestFastifyApplication,
    url: string,
    payload: unknown,
    headers: Record<string, string> = {},
  ) =>
    target.inject({
      method: 'POST',
      url,
      payload: payload as object,
      headers: { 'content-type': 'application/json', ...headers },
    });

  describe('operations endpoints', () => {
    it('GET /health and /health/ready answer 200', async () => {
      expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
      const ready = await app.inject({ url: '/health/ready' });
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toEqual({
        status: 'ok',
        checks: { database: 'ok', queue: 'ok', generator: 'off' },
      });
    });

    it('serves Swagger UI and a valid OpenAPI 3 document', async () => {
      const ui = await app.inject({ url: '/docs' });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers['content-type']).toContain('text/html');
      expect(ui.body).toContain('swagger');
      const doc = (await app.inject({ url: '/docs-json' })).json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.paths['/health/ready']).toBeDefined();
      expect(doc.components.schemas.Error.properties.request_id).toBeDefined();
      expect(doc.paths['/api/v1/probe/orders'].post.responses['422']).toBeDefined();
    });

    it('exposes Prometheus metrics with HTTP latency and queue depth', async () => {
      await app.inject({ url: '/health' });
      const res = await app.inject({ url: '/metrics' });
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.body).toContain('http_request_duration_seconds_bucket');
      expect(res.body).toMatch(/queue_jobs\{queue="idempotency.purge",state="ready"\} \d+/);
    });
  });

  describe('errors and request ids', () => {
    it('echoes a sane X-Request-Id and uses it in error bodies', async () => {
      const res = await app.inject({ url: '/api/v1/nowhere', headers: { 'x-request-id': 'abc-123' } });
      expect(res.statusCode).toBe(404);
      expect(res.headers['x-request-id']).toBe('abc-123');
      expect(res.json()).toEqual({
        error: { code: 'not_found', message: expect.any(String), details: [] },
        request_id: 'abc-123',
      });
    });

    it('replaces an unsafe X-Request-Id', async () => {
      const res = await app.inject({ url: '/health', headers: { 'x-request-id': 'bad id\n<script>' } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('400 invalid_json for malformed JSON', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/probe/orders',
        payload: '{"item":',
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('invalid_json');
    });

    it('415 for an unsupported content type', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/probe/orders',
        payload: 'a,b',
        headers: { 'content-type': 'text/csv' },
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('unsupported_media_type');
    });

    it('400 validation_failed naming each bad field, unknown fields and control characters', async () => {
      const res = await post(app, '/api/v1/probe/orders', {
        item: 'bad\u0001item',
        quantity: 0,
        admin: true,
      });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.error.code).toBe('validation_failed');
      const fields = body.error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['item', 'quantity', 'admin']));
      expect(body.request_id).toBe(res.headers['x-request-id']);
    });

    it('500 without internals', async () => {
      const res = await post(app, '/api/v1/probe/orders', { item: 'explode', quantity: 1, explode: true });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('postgres://');
      expect(res.json().error).toEqual({
        code: 'internal_error',
        message: 'Internal server error',
        details: [],
      });
    });

    it('sends security headers on every response, errors and 404s included', async () => {
      const responses = [
        await app.inject({ url: '/health' }),
        await app.inject({ url: '/api/v1/no-such-route' }),
        await post(app, '/api/v1/probe/orders', { item: 'headers', quantity: 0 }),
      ];
      expect(responses.map((r) => r.statusCode)).toEqual([200, 404, 400]);
      for (const res of responses) {
        expect(res.headers).toMatchObject({
          'content-security-policy':
            "default-src 'self';base-uri 'none';font-src 'self' https: data:;form-action 'self';" +
            "frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';" +
            "script-src-attr 'none';style-src 'self' 'unsafe-inline';upgrade-insecure-requests",
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-resource-policy': 'same-origin',
          'origin-agent-cluster': '?1',
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
          'x-dns-prefetch-control': 'off',
          'x-download-options': 'noopen',
          'x-frame-options': 'SAMEORIGIN',
          'x-permitted-cross-domain-policies': 'none',
          'x-xss-protection': '0',
        });
        expect(res.headers['cross-origin-embedder-policy']).toBeUndefined();
        expect(res.headers['strict-transport-security']).toBeUndefined(); // production only
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the stored status and body for the same request', async () => {
      const headers = { 'idempotency-key': 'replay-1' };
      const first = await post(app, '/api/v1/probe/orders', { item: 'replay', quantity: 2 }, headers);
      expect(first.statusCode).toBe(201);
      const second = await post(app2, '/api/v1/probe/orders', { item: 'replay', quantity: 2 }, headers);
      expect(second.statusCode).toBe(201);
      expect(second.body).toBe(first.body); // byte for byte: the stored text, not re-serialised jsonb
      expect(second.body).toMatch(/^\{"quantity":2,"item":"replay","id":\d+,"note":null\}$/);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(await executions('replay')).toBe(1);
    });

    it('422 when the key is reused with a different body', async () => {
      const headers = { 'idempotency-key': 'mismatch-1' };
      await post(app, '/api/v1/probe/orders', { item: 'mismatch', quantity: 1 }, headers);
      const res = await post(app, '/api/v1/probe/orders', { item: 'mismatch', quantity: 9 }, headers);
      expect(res.statusCode).toBe(422);
      expect(res.json().error.code).toBe('idempotency_key_reused');
      expect(await executions('mismatch')).toBe(1);
    });

    it('concurrent duplicates on two processes: exactly one execution, the other gets 409', async () => {
      const headers = { 'idempotency-key': 'concurrent-1' };
      const body = { item: 'concurrent', quantity: 1, delay_ms: 400 };
      const results = await Promise.all([
        post(app, '/api/v1/probe/orders', body, headers),
        post(app2, '/api/v1/probe/orders', body, headers),
        post(app2, '/api/v1/probe/orders', body, headers),
      ]);
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([201, 409, 409]);
      expect(results.find((r) => r.statusCode === 409)!.json().error.code).toBe('idempotency_in_progress');
      expect(await executions('concurrent')).toBe(1);
      const after = await post(app2, '/api/v1/probe/orders', body, headers);
      expect(after.statusCode).toBe(201);
      expect(await executions('concurrent')).toBe(1);
    });

    it('stores 4xx results but not 5xx, so a failed request can be retried', async () => {
      const headers = { 'idempotency-key': 'boom-1' };
      const body = { item: 'boom', quantity: 1, explode: true };
      expect((await post(app, '/api/v1/probe/orders', body, headers)).statusCode).toBe(500);
      expect((await post(app, '/api/v1/probe/orders', body, headers)).statusCode).toBe(500);
      expect(await executions('boom')).toBe(2);

      const invalid = { item: '', quantity: 1 };
      const v1 = await post(app, '/api/v1/probe/orders', invalid, { 'idempotency-key': 'invalid-1' });
      const v2 = await post(app, '/api/v1/probe/orders', invalid, { 'idempotency-key': 'invalid-1' });
      expect([v1.statusCode, v2.statusCode]).toEqual([400, 400]);
      expect(v2.headers['idempotent-replayed']).toBe('true');
    });

    it('scopes keys by session: another session may use the same key', async () => {
      const key = { 'idempotency-key': 'shared-key' };
      const a = await post(
        app,
        '/api/v1/probe/orders',
        { item: 'scoped', quantity: 1 },
        { ...key, 'x-session-token': 'session-a' },
      );
      const b = await post(
        app,
        '/api/v1/probe/orders',
        { item: 'scoped', quantity: 1 },
        { ...key, 'x-session-token': 'session-b' },
      );
      expect(a.json().id).not.toBe(b.json().id);
      expect(await executions('scoped')).toBe(2);
    });

    it('is required where the route says so, and validated', async () => {
      const missing = await post(app, '/api/v1/probe/vendor-orders', { item: 'req', quantity: 1 });
      expect(missing.statusCode).toBe(400);
      expect(missing.json().error.code).toBe('idempotency_key_required');
      const bad = await post(
        app,
        '/api/v1/probe/vendor-orders',
        { item: 'req', quantity: 1 },
        { 'idempotency-key': 'x'.repeat(300) },
      );
      expect(bad.json().error.code).toBe('invalid_idempotency_key');
      expect(await executions('req')).toBe(0);
    });
  });

  describe('rate limits', () => {
    it('allows exactly the limit across two processes under concurrency, then 429 with Retry-After', async () => {
      const headers = { 'x-client': 'client-1' };
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => post(i % 2 ? app : app2, '/api/v1/probe/limited', {}, headers)),
      );
      const ok = results.filter((r) => r.statusCode === 200);
      const limited = results.filter((r) => r.statusCode === 429);
      expect(ok).toHaveLength(3);
      expect(limited).toHaveLength(9);
      const retryAfter = Number(limited[0]!.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(3600);
      expect(limited[0]!.json().error.code).toBe('rate_limited');
      expect(ok[0]!.headers['ratelimit-limit']).toBe('3');
    });

    it('with an Idempotency-Key: counted with the claim, and a 429 claims nothing', async () => {
      const headers = (key: string, client: string) => ({ 'idempotency-key': key, 'x-client': client });
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          post(
            i % 2 ? app : app2,
            '/api/v1/probe/limited-orders',
            { item: 'limited', quantity: 1 },
            headers(`lk-${i}`, 'c-9'),
          ),
        ),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 201, 429, 429, 429, 429]);
      expect(await executions('limited')).toBe(2);
      const refused = results.findIndex((r) => r.statusCode === 429);
      expect(results[refused]!.headers['retry-after']).toBeDefined();
      // the refused request's key was never claimed: from a client under its limit it runs
      const again = await post(
        app,
        '/api/v1/probe/limited-orders',
        { item: 'limited', quantity: 1 },
        headers(`lk-${refused}`, 'c-10'),
      );
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect(await executions('limited')).toBe(3);
    });

    it('a rate-limited mutation with an Idempotency-Key costs two bookkeeping round trips, not three', async () => {
      const bookkeeping = app.get(BookkeepingPool);
      const statements: string[] = [];
      const query = bookkeeping.query.bind(bookkeeping);
      bookkeeping.query = ((text: string, values: unknown[], name?: string) => {
        statements.push(name ?? text.slice(0, 40));
        return query(text, values, name);
      }) as typeof bookkeeping.query;
      try {
        const res = await post(
          app,
          '/api/v1/probe/limited-orders',
          { item: 'trips', quantity: 1 },
          {
            'idempotency-key': 'trips-1',
            'x-client': 'c-11',
          },
        );
        expect(res.statusCode).toBe(201);
      } finally {
        bookkeeping.query = query;
      }
      // the hit and the claim in one statement, then the stored response
      expect(statements).toEqual(['rate_limit_hit_claim', 'idempotency_complete']);
    });

    it('plans those two statements once per connection, not on every request', async () => {
      // one request at a time, so the bookkeeping pool hands the same connection back each time
      for (let i = 0; i < 8; i++) {
        const res = await post(
          app,
          '/api/v1/probe/limited-orders',
          { item: 'plans', quantity: 1 },
          { 'idempotency-key': `plans-${i}`, 'x-client': `c-plans-${i}` },
        );
        expect(res.statusCode).toBe(201);
      }
      const { rows } = await app.get(BookkeepingPool).pool.query<{ name: string; generic_plans: number }>(
        `SELECT name, generic_plans::int FROM pg_prepared_statements
          WHERE name IN ('rate_limit_hit_claim', 'idempotency_complete') ORDER BY name`,
      );
      expect(rows.map((r) => r.name)).toEqual(['idempotency_complete', 'rate_limit_hit_claim']);
      // PostgreSQL plans a statement's first five executions for their values, then caches a generic plan
      for (const r of rows) expect(r.generic_plans).toBeGreaterThan(0);
    });

    it('counts each key separately', async () => {
      const res = await post(app, '/api/v1/probe/limited', {}, { 'x-client': 'client-2' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-remaining']).toBe('2');
    });
  });
});

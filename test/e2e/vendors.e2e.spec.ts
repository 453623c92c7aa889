import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { uuidV5 } from '../../libs/vendors/src/deterministic-id.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, VendorClient, createVendor, product, vendorJwt } from '../support/vendor-client.js';

const JWT_SECRET = 'jwt-secret-for-tests-0123456789abcdef';

describe('vendors: tenants, keys, JWT, products, isolation, audit (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let a: VendorClient;
  let b: VendorClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY, JWT_SECRET }));
    ds = await db.owner();
    a = (await createVendor(app, 'vendor-a')).client;
    b = (await createVendor(app, 'vendor-b')).client;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const adminPost = (url: string, payload?: object) =>
    app.inject({
      method: 'POST',
      url: `/api/v1/admin${url}`,
      headers: { 'x-admin-key': ADMIN_KEY },
      payload,
    });

  it('creates a vendor with 16 product and 32 customer hash partitions under its list partitions', async () => {
    // The vendor's list partition, and the hash leaves under it.
    const tree = async (table: string) =>
      (
        await ds.query(
          `SELECT count(*)::int AS n FROM pg_partition_tree($1::regclass) t
            JOIN pg_partition_tree($2::regclass) p ON p.relid = t.relid
           WHERE t.isleaf`,
          [`${table}_${a.vendorId.replace(/-/g, '')}`, table],
        )
      )[0].n;
    expect(await tree('products')).toBe(16);
    expect(await tree('customers')).toBe(32);
    const bound: { b: string }[] = await ds.query(
      `SELECT pg_get_expr(c.relpartbound, c.oid) AS b FROM pg_class c WHERE c.relname = $1`,
      [`products_${a.vendorId.replace(/-/g, '')}`],
    );
    expect(bound[0]!.b).toBe(`FOR VALUES IN ('${a.vendorId}')`);
  });

  it('refuses a taken slug, a bad body, and a missing admin key', async () => {
    expect(
      (await adminPost('/vendors', { slug: 'vendor-a', name: 'X', category: 'grocery' })).json().error.code,
    ).toBe('slug_taken');
    const bad = await adminPost('/vendors', { slug: 'Bad Slug', name: '', category: 'grocery', extra: 1 });
    expect(bad.statusCode).toBe(400);
    const fields = bad.json().error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['slug', 'name', 'extra']));
    const noKey = await app.inject({ method: 'POST', url: '/api/v1/admin/vendors', payload: {} });
    expect(noKey.statusCode).toBe(401);
  });

  it('upserts by external id: the id is uuid_v5(vendor, external_id) and a second POST updates in place', async () => {
    const first = await a.request('POST', '/products', product('SKU-1'));
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      created: true,
      id: uuidV5(a.vendorId, 'SKU-1'),
      name: 'Product SKU-1',
    });
    const again = await a.request(
      'POST',
      '/products',
      product('SKU-1', { name: 'Renamed bar', price_cents: 199 }),
    );
    expect(again.json()).toMatchObject({
      created: false,
      id: first.json().id,
      name: 'Renamed bar',
      price_cents: 199,
    });
    const rows = await ds.query(
      `SELECT count(*)::int AS n FROM products WHERE vendor_id = $1 AND external_id = 'SKU-1'`,
      [a.vendorId],
    );
    expect(rows[0].n).toBe(1);
    const sqlId = await ds.query(`SELECT uuid_generate_v5($1::uuid, 'SKU-1')::text AS id`, [a.vendorId]);
    expect(sqlId[0].id).toBe(first.json().id);
  });

  it('replaces, patches, compares and deletes', async () => {
    const id = uuidV5(a.vendorId, 'SKU-2');
    await a.request('POST', '/products', product('SKU-2', { protein_g: 10, price_cents: 300 }));
    const put = await a.request('PUT', `/products/${id}`, { name: 'Only a name' });
    expect(put.json()).toMatchObject({
      name: 'Only a name',
      price_cents: null,
      dietary_tags: [],
      in_stock: true,
    });
    const mismatch = await a.request('PUT', `/products/${id}`, { name: 'x', external_id: 'SKU-OTHER' });
    expect([mismatch.statusCode, mismatch.json().error.code]).toEqual([422, 'external_id_mismatch']);
    const patch = await a.request('PATCH', `/products/${id}`, {
      protein_g: 10,
      price_cents: 300,
      serving_size_g: 40,
    });
    expect(patch.json()).toMatchObject({ name: 'Only a name', protein_g: 10, price_cents: 300 });
    const cmp = await a.request('POST', '/products/compare', { ids: [uuidV5(a.vendorId, 'SKU-1'), id] });
    expect(cmp.statusCode).toBe(200);
    expect(cmp.json().products[1]).toMatchObject({
      price_per_10g_protein_cents: 300,
      per_100g: { protein_g: 25 },
    });
    expect((await a.request('DELETE', `/products/${id}`)).statusCode).toBe(204);
    expect((await a.request('GET', `/products/${id}`)).statusCode).toBe(404);
  });

  it('requires an Idempotency-Key on product writes and replays or refuses per Stripe semantics', async () => {
    const missing = await app.inject({
      method: 'POST',
      url: '/api/v1/products',
      headers: { authorization: `Bearer ${a.token}` },
      payload: product('SKU-3'),
    });
    expect([missing.statusCode, missing.json().error.code]).toEqual([400, 'idempotency_key_required']);
    const key = { 'idempotency-key': 'product-sku-3' };
    const one = await a.request('POST', '/products', product('SKU-3'), key);
    const two = await a.request('POST', '/products', product('SKU-3'), key);
    expect(two.statusCode).toBe(201);
    expect(two.json()).toEqual(one.json());
    expect(two.json().created).toBe(true);
    const other = await a.request('POST', '/products', product('SKU-3', { name: 'changed' }), key);
    expect(other.statusCode).toBe(422);
    // Keys are scoped per tenant: vendor B may use the same key for its own request.
    expect((await b.request('POST', '/products', product('SKU-3'), key)).json().created).toBe(true);
  });

  it('isolates tenants: B gets 404 for A’s product, never sees it in search or compare', async () => {
    const aId = uuidV5(a.vendorId, 'SKU-1');
    expect((await b.request('GET', `/products/${aId}`)).statusCode).toBe(404);
    expect((await b.request('PATCH', `/products/${aId}`, { name: 'hijack' })).statusCode).toBe(404);
    expect((await b.request('DELETE', `/products/${aId}`)).statusCode).toBe(404);
    const cmp = await b.request('POST', '/products/compare', { ids: [aId, uuidV5(b.vendorId, 'SKU-3')] });
    expect(cmp.statusCode).toBe(404);
    expect(cmp.json().error.details).toEqual([expect.objectContaining({ id: aId })]);
    const search = await b.request('GET', '/search?q=renamed');
    expect(search.json().data).toEqual([]);
    expect(
      (await a.request('GET', '/search?q=renamed')).json().data.map((h: { id: string }) => h.id),
    ).toEqual([aId]);
    // The vendor id comes from the credential only: a vendor_id in the body is refused.
    expect(
      (await b.request('POST', '/products', { ...product('X'), vendor_id: a.vendorId })).statusCode,
    ).toBe(400);
  });

  it('enforces roles: analysts read, editors write, ingest keys can only ingest, only admins manage keys', async () => {
    const issue = async (role: string) =>
      (await a.request('POST', '/api-keys', { name: role, role })).json().key as string;
    const analyst = a.as(await issue('analyst'));
    const editor = a.as(await issue('editor'));
    const ingest = a.as(await issue('ingest'));
    const id = uuidV5(a.vendorId, 'SKU-1');
    expect((await analyst.request('GET', `/products/${id}`)).statusCode).toBe(200);
    expect((await analyst.request('GET', '/search?q=bar')).statusCode).toBe(200);
    const denied = await analyst.request('POST', '/products', product('SKU-9'));
    expect([denied.statusCode, denied.json().error.code]).toEqual([403, 'role_forbidden']);
    expect((await editor.request('PATCH', `/products/${id}`, { in_stock: false })).statusCode).toBe(200);
    expect((await editor.request('GET', '/api-keys')).statusCode).toBe(403);
    expect((await ingest.request('GET', `/products/${id}`)).statusCode).toBe(403);
    expect((await ingest.request('GET', '/search?q=bar')).statusCode).toBe(403);
    expect((await a.request('GET', '/api-keys')).json().map((k: { role: string }) => k.role)).toEqual([
      'admin',
      'analyst',
      'editor',
      'ingest',
    ]);
    expect(JSON.stringify((await a.request('GET', '/api-keys')).json())).not.toContain(analyst.token);
  });

  it('revokes a key at once, audits key and role changes, and keeps the audit log append-only', async () => {
    const created = (await a.request('POST', '/api-keys', { name: 'temp', role: 'editor' })).json();
    const temp = a.as(created.key);
    expect((await temp.request('GET', '/search?q=bar')).statusCode).toBe(200);
    const changed = await a.request('PATCH', `/api-keys/${created.id}`, { role: 'analyst' });
    expect(changed.json().role).toBe('analyst');
    expect((await a.request('DELETE', `/api-keys/${created.id}`)).json().revoked_at).not.toBeNull();
    const after = await temp.request('GET', '/search?q=bar');
    expect([after.statusCode, after.json().error.code]).toEqual([401, 'api_key_revoked']);

    const log = (await a.request('GET', `/audit-log?entity=api_key&entity_id=${created.id}`)).json();
    expect(log.data.map((e: { action: string }) => e.action)).toEqual([
      'api_key.revoked',
      'api_key.role_changed',
      'api_key.created',
    ]);
    expect(log.data[1]).toMatchObject({
      before: { role: 'editor' },
      after: { role: 'analyst' },
      actor_role: 'admin',
    });
    expect(JSON.stringify(log)).not.toContain(created.key);
    // B sees none of A's audit entries.
    expect((await b.request('GET', `/audit-log?entity_id=${created.id}`)).json().data).toEqual([]);
    await expect(ds.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  it('accepts HS256 JWTs with vendor_id and role claims, and refuses expired, forged or role-less ones', async () => {
    const analystJwt = await vendorJwt(JWT_SECRET, { vendor_id: a.vendorId, role: 'analyst' });
    const viaJwt = a.as(analystJwt);
    expect((await viaJwt.request('GET', '/search?q=bar')).statusCode).toBe(200);
    expect((await viaJwt.request('POST', '/products', product('SKU-J'))).statusCode).toBe(403);
    const supabase = await vendorJwt(JWT_SECRET, {
      role: 'authenticated',
      app_metadata: { vendor_id: a.vendorId, role: 'editor' },
    });
    expect((await a.as(supabase).request('POST', '/products', product('SKU-J'))).statusCode).toBe(201);
    const expired = await vendorJwt(
      JWT_SECRET,
      { vendor_id: a.vendorId, role: 'admin' },
      Math.floor(Date.now() / 1000) - 60,
    );
    expect((await a.as(expired).request('GET', '/search')).json().error.code).toBe('token_expired');
    const forged = await vendorJwt('another-secret-of-enough-length-000000', {
      vendor_id: a.vendorId,
      role: 'admin',
    });
    expect((await a.as(forged).request('GET', '/search')).json().error.code).toBe('invalid_token');
    // a year-long token is a standing credential: refused (JWT_MAX_LIFETIME_SECONDS, 24 h by default)
    const yearLong = await vendorJwt(JWT_SECRET, { vendor_id: a.vendorId, role: 'admin' }, '365d');
    expect((await a.as(yearLong).request('GET', '/search')).json().error.code).toBe(
      'token_lifetime_too_long',
    );
    const dayLong = await vendorJwt(JWT_SECRET, { vendor_id: a.vendorId, role: 'admin' }, '23h');
    expect((await a.as(dayLong).request('GET', '/search')).statusCode).toBe(200);
    const noRole = await vendorJwt(JWT_SECRET, { vendor_id: a.vendorId });
    expect((await a.as(noRole).request('GET', '/search')).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/search' })).json().error.code).toBe('credentials_required');
  });

  it('suspends (403 everywhere), reactivates, and deletes a vendor (data dropped, keys dead)', async () => {
    const c = await createVendor(app, 'vendor-c');
    await c.client.request('POST', '/products', product('C-1'));
    expect((await adminPost(`/vendors/${c.vendorId}/suspend`)).json().status).toBe('suspended');
    const res = await c.client.request('GET', '/search?q=product');
    expect([res.statusCode, res.json().error.code]).toEqual([403, 'vendor_suspended']);
    expect((await app.inject({ url: '/api/v1/vendors/vendor-c' })).statusCode).toBe(404);
    await adminPost(`/vendors/${c.vendorId}/reactivate`);
    expect((await c.client.request('GET', '/search?q=product')).statusCode).toBe(200);
    const del = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/vendors/${c.vendorId}`,
      headers: { 'x-admin-key': ADMIN_KEY },
    });
    expect(del.json().status).toBe('deleted');
    expect((await c.client.request('GET', '/search?q=product')).statusCode).toBe(401);
    const left = await ds.query(`SELECT to_regclass($1) AS t`, [`products_${c.vendorId.replace(/-/g, '')}`]);
    expect(left[0].t).toBeNull();
  });

  it('serves the public directory with ETag and Cache-Control, and 304 when unchanged', async () => {
    await createVendor(app, 'zesty-pharmacy', { category: 'pharmacy', name: 'Zesty Pharmacy' });
    const list = await app.inject({ url: '/api/v1/vendors?limit=2' });
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toMatch(/^public, max-age=60/);
    const etag = list.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(list.json().data).toHaveLength(2);
    const next = await app.inject({ url: `/api/v1/vendors?limit=2&cursor=${list.json().next_cursor}` });
    const slugs = [...list.json().data, ...next.json().data].map((v: { slug: string }) => v.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    const again = await app.inject({ url: '/api/v1/vendors?limit=2', headers: { 'if-none-match': etag } });
    expect([again.statusCode, again.body]).toEqual([304, '']);
    expect(
      (await app.inject({ url: '/api/v1/vendors?category=pharmacy' }))
        .json()
        .data.map((v: { slug: string }) => v.slug),
    ).toEqual(['zesty-pharmacy']);
    expect((await app.inject({ url: '/api/v1/vendors?q=zest' })).json().data).toHaveLength(1);
    const cats = (await app.inject({ url: '/api/v1/vendors/categories' })).json();
    expect(cats).toEqual(expect.arrayContaining([{ category: 'pharmacy', vendor_count: 1 }]));
    const one = await app.inject({ url: '/api/v1/vendors/zesty-pharmacy' });
    expect(one.json()).toMatchObject({ slug: 'zesty-pharmacy', name: 'Zesty Pharmacy' });
    expect(one.json().id).toBeUndefined();
    expect((await app.inject({ url: '/api/v1/vendors/nope' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/vendors?cursor=forged' })).statusCode).toBe(400);
  });
});

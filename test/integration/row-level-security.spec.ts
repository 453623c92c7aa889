import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { SchemaOwnerDb } from '../../libs/db/src/index.js';
import { withPlatformScope, withVendorScope } from '../../libs/db/src/index.js';
import { TENANT_TABLES as FIRST_TENANT_TABLES } from '../../migrations/1795220100000-row-level-security.js';
import { INSIGHTS_TENANT_TABLES } from '../../migrations/1795220900000-directory-insights.js';

const TENANT_TABLES = [...FIRST_TENANT_TABLES, ...INSIGHTS_TENANT_TABLES];
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';

/**
 * The database is a second wall between tenants: the api's sessions run as `nrp_app`, which owns
 * nothing and cannot bypass row-level security, so even a deliberately unscoped query sees only the
 * vendor of the current transaction — and nothing outside one.
 */
describe('row-level security (integration, through the api connection)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let a: VendorClient;
  let b: VendorClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY }));
    ds = app.get(DataSource);
    a = (await createVendor(app, 'rls-a')).client;
    b = (await createVendor(app, 'rls-b')).client;
    for (const [c, n] of [
      [a, 3],
      [b, 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const res = await c.request('POST', '/customers', {
          external_id: `C-${i}`,
          health_profile: { sex: 'female', age: 40 + i, conditions: ['hypertension'] },
        });
        expect(res.statusCode).toBe(201);
      }
    }
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('runs as a role that owns no table and cannot bypass row-level security', async () => {
    const [me] = await ds.query(
      `SELECT current_user AS role, r.rolbypassrls, r.rolsuper,
              (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(me).toEqual({ role: 'nrp_app', rolbypassrls: false, rolsuper: false, owned: 0 });
    const owner = await db.owner();
    const rls = await owner.query(
      `SELECT relname FROM pg_class WHERE relname = ANY($1) AND relrowsecurity ORDER BY relname`,
      [[...TENANT_TABLES]],
    );
    expect(rls.map((r: { relname: string }) => r.relname)).toEqual([...TENANT_TABLES].sort());
  });

  it('a deliberately unscoped SELECT * FROM customer_health sees only the vendor of its transaction', async () => {
    const inA = await withVendorScope(a.vendorId, () => ds.query(`SELECT * FROM customer_health`));
    expect(inA).toHaveLength(3);
    expect(new Set(inA.map((r: { vendor_id: string }) => r.vendor_id))).toEqual(new Set([a.vendorId]));
    const inB = await withVendorScope(b.vendorId, () =>
      ds.transaction(async (m) => {
        const rows = await m.query(`SELECT * FROM customer_health`);
        const customers = await m.query(`SELECT * FROM customers`);
        return [...rows, ...customers];
      }),
    );
    expect(inB).toHaveLength(4);
    expect(inB.every((r: { vendor_id: string }) => r.vendor_id === b.vendorId)).toBe(true);
    // … and nothing outside a vendor's transaction
    expect(await ds.query(`SELECT * FROM customer_health`)).toEqual([]);
    expect(await ds.query(`SELECT * FROM products`)).toEqual([]);
    expect(await ds.query(`SELECT * FROM audit_log`)).toEqual([]);
    // the owner sees all five: the rows are there
    const [{ n }] = await (await db.owner()).query(`SELECT count(*)::int AS n FROM customer_health`);
    expect(n).toBe(5);
  });

  it("reads every vendor's public directory figures, but writes none but its own", async () => {
    const owner = await db.owner();
    for (const v of [a, b]) {
      await owner.query(
        `INSERT INTO vendor_catalogue_stats (vendor_id, product_count, categories, dietary_tag_share,
                allergen_free_share, protein_price, diet_fit)
         VALUES ($1, 1, '[]', '[]', '[]', '[]', '[]') ON CONFLICT (vendor_id) DO NOTHING`,
        [v.vendorId],
      );
    }
    const seen = (rows: { vendor_id: string }[]) => rows.map((r) => r.vendor_id).sort();
    const both = [a.vendorId, b.vendorId].sort();
    expect(seen(await ds.query(`SELECT vendor_id FROM vendor_catalogue_stats`))).toEqual(both);
    expect(
      seen(await withVendorScope(a.vendorId, () => ds.query(`SELECT vendor_id FROM vendor_catalogue_stats`))),
    ).toEqual(both);
    const [, changed] = await withVendorScope(a.vendorId, () =>
      ds.query(`UPDATE vendor_catalogue_stats SET product_count = 999 WHERE vendor_id = $1`, [b.vendorId]),
    );
    expect(changed).toBe(0);
    const [, unscoped] = await ds.query(`DELETE FROM vendor_catalogue_stats WHERE vendor_id = $1`, [
      b.vendorId,
    ]);
    expect(unscoped).toBe(0);
  });

  it("refuses to write a row into another vendor's data, even with its id in hand", async () => {
    const [victim] = await (
      await db.owner()
    ).query(`SELECT id FROM customers WHERE vendor_id = $1 LIMIT 1`, [b.vendorId]);
    await expect(
      withVendorScope(a.vendorId, () =>
        ds.query(
          `INSERT INTO customers (vendor_id, id, external_id) VALUES ($1, gen_random_uuid(), 'INJECTED')`,
          [b.vendorId],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const [, changed] = await withVendorScope(a.vendorId, () =>
      ds.query(`UPDATE customers SET first_name = 'pwned' WHERE id = $1`, [victim.id]),
    );
    expect(changed).toBe(0);
    // a leaf partition read directly would skip the parent's policies: the role has no access to any
    const [leaf] = await (
      await db.owner()
    ).query(
      `SELECT c.oid::regclass::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'customer_health'::regclass LIMIT 1`,
    );
    await expect(ds.query(`SELECT * FROM ${leaf.name}`)).rejects.toThrow(/permission denied/);
  });

  it('the platform scope (key authentication, platform admin) sees every vendor', async () => {
    const keys = await withPlatformScope(() => ds.query(`SELECT DISTINCT vendor_id FROM vendor_api_keys`));
    expect(keys.length).toBeGreaterThanOrEqual(2);
    expect(await ds.query(`SELECT * FROM vendor_api_keys`)).toEqual([]);
  });

  it('brings a reused connection to each scope in turn (one pooled connection, interleaved vendors)', async () => {
    const single = await createApiApp(testConfig(db.url, { DATABASE_POOL_MAX: '1' }));
    try {
      const one = single.get(DataSource);
      const vendorsSeen = (rows: { vendor_id: string }[]) => [...new Set(rows.map((r) => r.vendor_id))];
      const q = `SELECT vendor_id FROM customer_health`;
      const runs = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 3 === 0
            ? withVendorScope(a.vendorId, () => one.query(q))
            : i % 3 === 1
              ? one.query(q)
              : withVendorScope(b.vendorId, () => one.transaction((m) => m.query(q))),
        ),
      );
      runs.forEach((rows, i) =>
        expect(vendorsSeen(rows)).toEqual(i % 3 === 0 ? [a.vendorId] : i % 3 === 1 ? [] : [b.vendorId]),
      );
      const all = await withPlatformScope(() => one.query(q));
      expect(vendorsSeen(all).sort()).toEqual([a.vendorId, b.vendorId].sort());
      expect(await one.query(q)).toEqual([]); // and back to nothing
    } finally {
      await single.close();
    }
  });

  it("the worker's jobs run as nrp_platform: every vendor's rows, no ownership, no DDL; schema work as the owner", async () => {
    const worker = await createWorkerApp(testConfig(db.url));
    try {
      const wds = worker.get(DataSource);
      const [me] = await wds.query(
        `SELECT current_user AS role, r.rolbypassrls, r.rolsuper,
                (SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user) AS owned
           FROM pg_roles r WHERE r.rolname = current_user`,
      );
      expect(me).toEqual({ role: 'nrp_platform', rolbypassrls: false, rolsuper: false, owned: 0 });
      const [{ n }] = await wds.query(`SELECT count(*)::int AS n FROM customer_health`);
      expect(n).toBe(5);
      await expect(wds.query(`CREATE TABLE worker_scratch (x int)`)).rejects.toThrow(/permission denied/);
      await expect(wds.query(`DROP TABLE webhook_deliveries`)).rejects.toThrow(/must be owner/);
      await expect(wds.query(`ALTER TABLE customers DISABLE ROW LEVEL SECURITY`)).rejects.toThrow(
        /must be owner/,
      );
      await expect(wds.query(`TRUNCATE customers`)).rejects.toThrow(/permission denied/);
      // partition upkeep it may do, through the owner's functions only
      await wds.query(
        `SELECT ensure_audit_log_partitions(current_date, 2), ensure_report_access_log_partitions(3)`,
      );
      expect(await wds.query(`SELECT * FROM drop_report_access_log_partitions(90)`)).toEqual([]);
      // the ingestion pipeline's connections are the owner's (it builds and swaps partitions)
      const owner = await worker.get(SchemaOwnerDb).dataSource();
      const [{ role }] = await owner.query(`SELECT current_user AS role`);
      expect(role).not.toMatch(/^nrp_/);
    } finally {
      await worker.close();
    }
  });
});

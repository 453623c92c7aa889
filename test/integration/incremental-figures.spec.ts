import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { asVendorId } from '#libs/common';
import { InsightsRefreshService } from '#libs/insights';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, product, type VendorClient } from '../support/vendor-client.js';

/** A small deterministic PRNG (mulberry32): the same change sets on every run, a new seed a new set. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]) => xs[int(xs.length)]!;
  const some = <T>(xs: readonly T[]) => xs.filter(() => next() < 0.3);
  const maybe = <T>(v: T, nullShare = 0.15) => (next() < nullShare ? null : v);
  return { next, int, pick, some, maybe };
}

const CATEGORIES = ['bars', 'snacks', 'drinks', 'meat', null] as const;
const TAGS = ['vegetarian', 'vegan', 'keto', 'paleo', 'carnivore', 'gluten-free'];
// raw codes a vendor's file may carry: a group member (crab), a synonym, a common allergen
const ALLERGENS = ['milk', 'crab', 'shrimp', 'peanuts', 'wheat', 'soy', 'eggs', 'almonds', 'celery'];

type Rand = ReturnType<typeof prng>;

function randomFields(r: Rand) {
  return {
    category: r.pick(CATEGORIES),
    currency: r.pick(['USD', 'USD', 'EUR']),
    price_cents: r.maybe(50 + r.int(5000)),
    serving_size_g: r.maybe(5 + r.int(400) + r.int(10) / 10),
    protein_g: r.maybe(r.int(60) + r.int(10) / 10),
    calories: r.maybe(r.int(600)),
    sodium_mg: r.maybe(r.int(2000)),
    fat_g: r.maybe(r.int(40)),
    dietary_tags: r.some(TAGS),
    allergens: r.some(ALLERGENS),
  };
}

const FIELDS = Object.keys(randomFields(prng(1)));

/**
 * The catalogue figures follow changes (statement triggers on `products` log each changed row; the
 * refresh folds the log into counts per category) — so they must come out exactly as counting the
 * whole catalogue again would. Random change sets, through every kind of write the platform makes
 * (multi-row INSERT, INSERT … ON CONFLICT DO UPDATE as the ingest merge, UPDATE … FROM, DELETE,
 * and the api's own writes as its restricted role), each folded in, then compared with a full
 * rebuild: counts, medians, directory figures, analytics and benchmarks.
 */
describe('catalogue figures: incremental equals a full rebuild (integration)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let owner: DataSource;
  let insights: InsightsRefreshService;
  const vendors: VendorClient[] = [];
  const actor = (vendorId: string) => ({
    id: 'test',
    role: 'system' as const,
    vendorId,
    ip: null,
    userAgent: null,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    owner = await db.owner();
    insights = worker.get(InsightsRefreshService);
    for (const slug of ['figures-a', 'figures-b', 'figures-c', 'figures-d'])
      vendors.push((await createVendor(app, slug)).client);
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
    await db?.drop();
  });

  /** Everything the figures jobs store, without the times they were computed at. */
  async function stored() {
    const q = (sql: string) => owner.query(sql);
    return {
      counts: await q(`SELECT vendor_id, category, kind, key, currency, value, n::text, latest
                         FROM vendor_category_counts ORDER BY 1, 2, 3, 4, 5, value`),
      medians: await q(`SELECT * FROM vendor_category_medians ORDER BY 1, 2, 3, 4`),
      stats: await q(`SELECT vendor_id, product_count, categories, dietary_tag_share, allergen_free_share,
                             protein_price, diet_fit, catalogue_updated_at FROM vendor_catalogue_stats ORDER BY 1`),
      analytics: await q(`SELECT vendor_id, products, customers, data_quality, tag_coverage, match_coverage
                            FROM catalogue_analytics ORDER BY 1`),
      benchmarks: await q(`SELECT category, metric, currency, vendors, products, p25, median, p75
                             FROM category_benchmarks ORDER BY 1, 2, 3`),
    };
  }

  async function refreshAll() {
    const folded = [];
    for (const v of vendors)
      folded.push(await insights.refreshVendor(actor(v.vendorId), asVendorId(v.vendorId)));
    await insights.rebuildBenchmarks();
    return folded;
  }

  async function rebuildAll() {
    const rebuilt = [];
    for (const v of vendors)
      rebuilt.push(await insights.rebuildVendor(actor(v.vendorId), asVendorId(v.vendorId)));
    await insights.rebuildBenchmarks();
    return rebuilt;
  }

  const values = (rows: Record<string, unknown>[]) =>
    rows
      .map(
        (f) =>
          `(${['vendor_id', 'id', 'external_id', 'name', ...FIELDS]
            .map((c) => {
              const v = f[c];
              if (v === null || v === undefined) return 'NULL';
              if (Array.isArray(v)) return `ARRAY[${v.map((x) => `'${x}'`).join(',')}]::text[]`;
              return typeof v === 'number' ? String(v) : `'${v}'`;
            })
            .join(', ')})`,
      )
      .join(',\n');
  const columns = `vendor_id, id, external_id, name, ${FIELDS.join(', ')}`;

  /** One random change set on one vendor's catalogue, through the writes the platform makes. */
  async function changeSet(r: Rand, v: VendorClient) {
    const ids: string[] = (
      await owner.query(`SELECT id FROM products WHERE vendor_id = $1 ORDER BY id`, [v.vendorId])
    ).map((x: { id: string }) => x.id);
    const fresh = (n: number) =>
      Array.from({ length: n }, () => {
        const ext = `P-${randomUUID().slice(0, 8)}`;
        return {
          vendor_id: v.vendorId,
          id: randomUUID(),
          external_id: ext,
          name: `Product ${ext}`,
          ...randomFields(r),
        };
      });
    const sample = (n: number) => ids.filter(() => r.next() < n / Math.max(ids.length, 1));
    // a multi-row INSERT
    await owner.query(`INSERT INTO products (${columns}) VALUES ${values(fresh(5 + r.int(30)))}`);
    // the ingest merge's upsert: some rows existing (updated), some new
    const upsert = [
      ...sample(8).map((id) => ({
        vendor_id: v.vendorId,
        id,
        external_id: `X-${id.slice(0, 8)}`,
        name: 'Upserted',
        ...randomFields(r),
      })),
      ...fresh(r.int(5)),
    ];
    if (upsert.length)
      await owner.query(
        `INSERT INTO products AS p (${columns}) VALUES ${values(upsert)}
         ON CONFLICT (vendor_id, id) DO UPDATE SET ${FIELDS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, updated_at = now()`,
      );
    // the merge's price-and-stock UPDATE … FROM, and one field at a time
    const priced = sample(10);
    if (priced.length)
      await owner.query(
        `UPDATE products p SET price_cents = c.price, in_stock = NOT p.in_stock, updated_at = now()
           FROM unnest($2::uuid[], $3::int[]) c (id, price) WHERE p.vendor_id = $1 AND p.id = c.id`,
        [v.vendorId, priced, priced.map(() => (r.next() < 0.2 ? null : 10 + r.int(4000)))],
      );
    for (const id of sample(4)) {
      const f = randomFields(r);
      const field = r.pick(FIELDS) as keyof typeof f;
      await owner.query(`UPDATE products SET ${field} = $3 WHERE vendor_id = $1 AND id = $2`, [
        v.vendorId,
        id,
        f[field],
      ]);
    }
    // a stock-only change (the figures do not move)
    await owner.query(`UPDATE products SET in_stock = NOT in_stock WHERE vendor_id = $1 AND id = ANY($2)`, [
      v.vendorId,
      sample(5),
    ]);
    const gone = sample(6);
    if (gone.length)
      await owner.query(`DELETE FROM products WHERE vendor_id = $1 AND id = ANY($2)`, [v.vendorId, gone]);
    // the api's own writes, as its restricted role
    const created = await v.request(
      'POST',
      '/products',
      product(`API-${randomUUID().slice(0, 8)}`, {
        category: r.pick(['bars', 'snacks']),
        price_cents: 100 + r.int(900),
        allergens: r.some(['milk', 'peanuts', 'shellfish']),
      }),
    );
    expect(created.statusCode).toBe(201);
    const patched = await v.request('PATCH', `/products/${created.json().id}`, {
      price_cents: 50 + r.int(500),
    });
    expect(patched.statusCode).toBe(200);
    if (r.next() < 0.5)
      expect((await v.request('DELETE', `/products/${created.json().id}`)).statusCode).toBe(204);
  }

  it('random change sets folded in give the stored figures a full rebuild gives', async () => {
    const r = prng(20261207);
    for (let round = 0; round < 6; round++) {
      for (const v of vendors) if (round === 0 || r.next() < 0.75) await changeSet(r, v);
      const folded = await refreshAll();
      // the first refresh of a vendor counts its catalogue (no counts yet); later ones fold
      expect(folded.map((f) => f.rebuilt)).toEqual(vendors.map(() => round === 0));
      const incremental = await stored();
      const rebuilt = await rebuildAll();
      expect(rebuilt.map((x) => x.drift)).toEqual(vendors.map(() => 0));
      expect(await stored()).toEqual(incremental);
    }
    // and the figures are the catalogue's: counted and a median read straight from the products
    const v = vendors[0]!.vendorId;
    const [direct] = await owner.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE protein_g IS NULL)::int AS no_protein FROM products WHERE vendor_id = $1`,
      [v],
    );
    const [stats] = await owner.query(
      `SELECT product_count FROM vendor_catalogue_stats WHERE vendor_id = $1`,
      [v],
    );
    const [analytics] = await owner.query(
      `SELECT data_quality FROM catalogue_analytics WHERE vendor_id = $1`,
      [v],
    );
    expect(stats.product_count).toBe(direct.n);
    expect(
      analytics.data_quality.missing.find((m: { field: string }) => m.field === 'protein_g').products,
    ).toBe(direct.no_protein);
    const medians = await owner.query(
      `SELECT m.category, m.currency, m.median, d.median AS direct
         FROM vendor_category_medians m
         JOIN (SELECT category, currency,
                      percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN floor(log(v)) >= 2
                        THEN round(v / 10::float8 ^ (floor(log(v)) - 2)) * 10::float8 ^ (floor(log(v)) - 2)
                        ELSE round(v * 10::float8 ^ (2 - floor(log(v)))) / 10::float8 ^ (2 - floor(log(v))) END) AS median
                 FROM (SELECT category, currency, (price_cents * 10.0 / protein_g)::float8 AS v FROM products
                        WHERE vendor_id = $1 AND category IS NOT NULL AND price_cents IS NOT NULL AND protein_g > 0) x
                GROUP BY 1, 2) d USING (category, currency)
        WHERE m.vendor_id = $1 AND m.metric = 'price_per_10g_protein'`,
      [v],
    );
    expect(medians.length).toBeGreaterThan(2);
    for (const m of medians) expect(m.median).toBeCloseTo(m.direct, 9);
  });

  it('folds racing writes and each other lose and double-count nothing', async () => {
    const r = prng(7);
    const v = vendors[2]!;
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 6; i++) await changeSet(r, v);
      writing = false;
    })();
    // two refreshes at a time (the job's queue runs one per vendor; the lock must hold regardless)
    const folds = (async () => {
      while (writing)
        await Promise.all(
          [0, 1].map(() => insights.refreshVendor(actor(v.vendorId), asVendorId(v.vendorId))),
        );
    })();
    await Promise.all([writes, folds]);
    await insights.refreshVendor(actor(v.vendorId), asVendorId(v.vendorId));
    const incremental = await stored();
    const [rebuilt] = await Promise.all([
      insights.rebuildVendor(actor(v.vendorId), asVendorId(v.vendorId)),
      insights.refreshVendor(actor(v.vendorId), asVendorId(v.vendorId)),
    ]);
    expect(rebuilt.drift).toBe(0);
    expect(await stored()).toEqual(incremental);
  });

  it("a change in one category re-reads only that category's medians", async () => {
    const v = vendors[1]!;
    await insights.refreshVendor(actor(v.vendorId), asVendorId(v.vendorId));
    const before = await owner.query(
      `SELECT category, metric, currency, median FROM vendor_category_medians WHERE vendor_id = $1 ORDER BY 1, 2, 3`,
      [v.vendorId],
    );
    expect(
      (
        await v.request(
          'POST',
          '/products',
          product('ONE-CATEGORY', { category: 'drinks', price_cents: 99999 }),
        )
      ).statusCode,
    ).toBe(201);
    const folded = await insights.refreshVendor(actor(v.vendorId), asVendorId(v.vendorId));
    expect(folded).toMatchObject({ rebuilt: false, categories: ['drinks'], rows: 1 });
    const after = await owner.query(
      `SELECT category, metric, currency, median FROM vendor_category_medians WHERE vendor_id = $1 ORDER BY 1, 2, 3`,
      [v.vendorId],
    );
    const others = (rows: { category: string }[]) => rows.filter((m) => m.category !== 'drinks');
    expect(others(after)).toEqual(others(before));
    expect(after).not.toEqual(before);
  });

  it("a deleted vendor's logged changes are dropped by the daily check's housekeeping", async () => {
    const gone = (await createVendor(app, 'figures-gone')).client;
    expect((await gone.request('POST', '/products', product('GONE-1'))).statusCode).toBe(201);
    const logged = () =>
      owner
        .query(`SELECT count(*)::int AS n FROM catalogue_figure_changes WHERE vendor_id = $1`, [
          gone.vendorId,
        ])
        .then((r) => r[0].n as number);
    expect(await logged()).toBe(1);
    await insights.forgetDeletedVendors();
    expect(await logged()).toBe(1); // still active: kept for its fold
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/v1/admin/vendors/${gone.vendorId}`,
      headers: { 'x-admin-key': ADMIN_KEY },
    });
    expect(deleted.statusCode).toBe(200);
    await insights.forgetDeletedVendors();
    expect(await logged()).toBe(0);
  });

  it('the change log is the worker’s alone: the api role reads none of it', async () => {
    const api = app.get<DataSource>((await import('typeorm')).DataSource);
    await expect(api.query(`SELECT count(*) FROM catalogue_figure_changes`)).resolves.toEqual([
      { count: '0' },
    ]);
    await expect(api.query(`SELECT count(*) FROM vendor_category_counts`)).resolves.toEqual([{ count: '0' }]);
  });
});

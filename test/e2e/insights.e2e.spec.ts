import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { QueueService } from '#libs/queue';
import { ALLERGIES } from '#libs/calculator';
import { containsAllergen } from '#libs/food-vocabulary';
import { prng } from '../../scripts/seed/catalogue.js';
import { loadCatalogue } from '../../scripts/seed/load-catalogue.js';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, product, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';
import { metricOf, threeFigures } from '../support/figures.js';

interface Row {
  vendor_id: string;
  category: string | null;
  price_cents: number | null;
  currency: string;
  calories: number | null;
  protein_g: number | null;
  sodium_mg: number | null;
  serving_size_g: number | null;
  dietary_tags: string[];
  allergens: string[];
}

/** PostgreSQL's percentile_cont: linear interpolation between the closest ranks. */
function percentile(sorted: number[], p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
const quartiles = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return { p25: percentile(s, 0.25), median: percentile(s, 0.5), p75: percentile(s, 0.75) };
};
/**
 * The published benchmark's reference: one value per vendor (the median of its products), times
 * the vendor's persistent disclosure-noise factor, then quartiles across vendors.
 */
const vendorWeighted = (values: { vendor_id: string; value: number }[], factors: Map<string, number>) => {
  const byVendor = new Map<string, number[]>();
  for (const v of values) byVendor.set(v.vendor_id, [...(byVendor.get(v.vendor_id) ?? []), v.value]);
  return quartiles([...byVendor].map(([id, xs]) => quartiles(xs).median * factors.get(id)!));
};
/** The calculator's common allergens a product contains, read through the vocabulary (crab → shellfish). */
const canonical = (allergens: string[]) => ALLERGIES.values.filter((a) => containsAllergen(allergens, [a]));

const CONDITIONS = ['hypertension', 'diabetes', 'ckd', 'celiac', 'heart_disease', 'gout'];
const ALLERGENS = ['milk', 'eggs', 'fish', 'shellfish', 'tree_nuts', 'peanuts', 'wheat', 'soy', 'sesame'];

describe('directory compare, category benchmarks and catalogue analytics (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  const vendors: Record<string, VendorClient> = {};

  const refreshAll = async () => {
    const since = new Date();
    await worker.get(QueueService).send('insights.refresh-all', {});
    // the benchmarks are composed from the vendors' medians: wait until no refresh or rebuild is left
    await waitFor(async () => {
      const [r] = await ds.query(
        `SELECT (SELECT count(*)::int FROM vendor_catalogue_stats s JOIN vendors v ON v.id = s.vendor_id
                    WHERE v.status = 'active' AND s.computed_at >= $1) AS stats,
                  (SELECT count(*)::int FROM catalogue_analytics WHERE computed_at >= $1) AS analytics,
                  (SELECT count(*)::int FROM category_benchmarks WHERE computed_at >= $1) AS benchmarks,
                  (SELECT count(*)::int FROM pgboss.job WHERE name LIKE 'insights.%'
                      AND state IN ('created', 'retry', 'active')) AS pending,
                  (SELECT count(*)::int FROM vendors WHERE status = 'active') AS active`,
        [since],
      );
      return r.stats === r.active && r.analytics >= r.active && r.benchmarks > 0 && r.pending === 0
        ? r
        : undefined;
    }, 60_000);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url, {
      ADMIN_API_KEY: ADMIN_KEY,
      LOG_LEVEL: process.env.DEBUG_INSIGHTS ? 'info' : 'silent',
      INSIGHTS_REFRESH_DELAY_SECONDS: '0',
    });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    ds = await db.owner();
    for (const [slug, n, seed] of [
      ['alpha-foods', 400, 1],
      ['beta-market', 300, 2],
      ['gamma-grocer', 250, 3],
      ['delta-deli', 0, 4],
      ['omega-closed', 200, 5],
    ] as const) {
      vendors[slug] = (await createVendor(app, slug)).client;
      if (n) await loadCatalogue(db.url, vendors[slug].vendorId, n, { seed, prefix: slug.toUpperCase() });
    }
    // 'rare-tea' is sold by two active vendors and a suspended one: its figures stay withheld
    for (const slug of ['alpha-foods', 'delta-deli', 'omega-closed']) {
      for (let i = 0; i < 3; i++) {
        const res = await vendors[slug]!.request(
          'POST',
          '/products',
          product(`TEA-${i}`, { category: 'rare-tea', price_cents: 300 + 50 * i, serving_size_g: 2 + i }),
        );
        expect(res.statusCode).toBe(201);
      }
    }
    const suspended = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/vendors/${vendors['omega-closed']!.vendorId}/suspend`,
      headers: { 'x-admin-key': ADMIN_KEY },
    });
    expect(suspended.statusCode).toBe(200);
    // customers with varied health, so coverage differs by condition
    const rand = prng(19);
    const pick = <T>(xs: T[], p: number) => xs.filter(() => rand() < p);
    for (let i = 0; i < 40; i++) {
      const res = await vendors['alpha-foods']!.request('POST', '/customers', {
        external_id: `C-${i}`,
        health_profile: {
          sex: rand() < 0.5 ? 'male' : 'female',
          age: 25 + Math.floor(rand() * 50),
          height_cm: 160 + Math.floor(rand() * 30),
          weight_kg: 55 + Math.floor(rand() * 50),
          activity_level: 'moderate',
          conditions: pick(CONDITIONS, 0.3),
          allergies: pick(ALLERGENS, i % 4 === 0 ? 0.6 : 0.15),
          dietary_preferences: i % 5 === 0 ? ['vegan', 'gluten_free'] : pick(['vegetarian', 'keto'], 0.15),
          goals: pick(['weight_loss', 'muscle_gain'], 0.3),
        },
      });
      expect(res.statusCode).toBe(201);
    }
    await refreshAll();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([app?.close(), worker?.close()]);
    await db?.drop();
  });

  const activeRows = (): Promise<Row[]> =>
    ds.query(
      `SELECT p.vendor_id, p.category, p.price_cents, p.currency, p.calories, p.protein_g, p.sodium_mg,
              p.serving_size_g, p.dietary_tags, p.allergens
         FROM products p JOIN vendors v ON v.id = p.vendor_id WHERE v.status = 'active'`,
    );
  const noiseFactors = async () =>
    new Map<string, number>(
      (await ds.query(`SELECT vendor_id, factor FROM vendor_disclosure_noise`)).map(
        (r: { vendor_id: string; factor: number }) => [r.vendor_id, r.factor],
      ),
    );
  const publicCall = (method: 'GET' | 'POST', url: string, payload?: object, headers = {}) =>
    app.inject({ method, url: `/api/v1${url}`, headers, ...(payload ? { payload } : {}) });

  it('vendors edit their directory entry; compare shows it next to derived figures equal to a reference computation', async () => {
    const alpha = vendors['alpha-foods']!;
    const edit = await alpha.request('PATCH', '/directory-profile', {
      best_for: ['keto', 'paleo'],
      delivery_regions: ['US', 'CA-ON'],
      price_level: 2,
      website: 'https://alpha.example',
    });
    expect(edit.statusCode).toBe(200);
    expect(edit.json()).toMatchObject({ best_for: ['keto', 'paleo'], delivery_regions: ['US', 'CA-ON'] });
    const bad = await alpha.request('PATCH', '/directory-profile', {
      delivery_regions: ['usa'],
      best_for: ['vegan'],
      price_level: 7,
    });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .error.details.map((d: { field: string }) => d.field)
        .sort(),
    ).toEqual(['best_for', 'delivery_regions', 'price_level']);

    const slugs = ['beta-market', 'alpha-foods', 'gamma-grocer'];
    const res = await publicCall('POST', '/vendors/compare', {
      slugs,
      diet_type: 'keto',
      allergens: ['dairy', 'peanuts'],
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{32}"$/);
    const body = res.json();
    expect(body).toMatchObject({ source: 'primary', freshness: 'fresh', replica_lag_ms: 0 });
    expect(body.data.map((v: { slug: string }) => v.slug)).toEqual(slugs);
    expect(body.data[1]).toMatchObject({
      best_for: ['keto', 'paleo'],
      delivery_regions: ['US', 'CA-ON'],
      price_level: 2,
      website: 'https://alpha.example',
    });

    const all: Row[] = await ds.query(
      `SELECT vendor_id, category, price_cents, currency, calories, protein_g, sodium_mg, serving_size_g,
              dietary_tags, allergens FROM products`,
    );
    for (const v of body.data) {
      const rows = all.filter((r) => r.vendor_id === vendors[v.slug]!.vendorId);
      const n = rows.length;
      const c = v.catalogue;
      expect(c.product_count).toBe(n);
      const cats = new Map<string, number>();
      for (const r of rows) if (r.category) cats.set(r.category, (cats.get(r.category) ?? 0) + 1);
      expect(
        Object.fromEntries(
          c.categories.map((x: { category: string; products: number }) => [x.category, x.products]),
        ),
      ).toEqual(Object.fromEntries(cats));
      for (const { tag, share } of c.dietary_tag_share) {
        expect(share).toBeCloseTo(rows.filter((r) => r.dietary_tags.includes(tag)).length / n, 4);
      }
      expect(c.allergen_free_share.map((x: { allergen: string }) => x.allergen).sort()).toEqual(
        [...ALLERGIES.values].sort(),
      );
      for (const { allergen, share } of c.allergen_free_share) {
        expect(share).toBeCloseTo(
          rows.filter((r) => !canonical(r.allergens).includes(allergen)).length / n,
          4,
        );
      }
      expect(
        c.allergen_free_share.find((x: { allergen: string }) => x.allergen === 'milk').share,
      ).toBeLessThan(1);
      for (const pp of c.protein_price) {
        const values = rows
          .filter((r) => r.category === pp.category && r.currency === pp.currency)
          .filter((r) => r.price_cents !== null && (r.protein_g ?? 0) > 0)
          .map((r) =>
            threeFigures(metricOf.price_per_10g_protein(r as { price_cents: number; protein_g: number })),
          );
        expect(pp.products).toBe(values.length);
        expect(pp.median_price_per_10g_protein_cents).toBeCloseTo(quartiles(values).median, 1);
      }
      const fits = rows.filter(
        (r) =>
          r.dietary_tags.includes('keto') &&
          !canonical(r.allergens).some((a) => ['milk', 'peanuts'].includes(a)),
      ).length;
      expect(v.fit).toEqual({ diet_type: 'keto', allergens: ['milk', 'peanuts'], products: fits });
      expect(fits).toBeGreaterThan(0);
      expect(new Date(c.catalogue_updated_at).getTime()).toBeGreaterThan(0);
    }
  });

  it('compare validates its body and names unknown or inactive vendors', async () => {
    const cases: [object, number][] = [
      [{ slugs: ['alpha-foods'] }, 400],
      [{ slugs: ['a', 'b', 'c', 'd', 'e', 'f'] }, 400],
      [{ slugs: ['alpha-foods', 'alpha-foods'] }, 400],
      [{ slugs: ['alpha-foods', 'beta-market'], diet_type: 'vegan' }, 400],
      [{ slugs: ['alpha-foods', 'beta-market'], allergens: ['gluten'] }, 400],
      [{ slugs: ['alpha-foods', 'nobody-here'] }, 404],
      [{ slugs: ['alpha-foods', 'omega-closed'] }, 404],
    ];
    for (const [payload, status] of cases) {
      const res = await publicCall('POST', '/vendors/compare', payload);
      expect([payload, res.statusCode]).toEqual([payload, status]);
    }
    const missing = await publicCall('POST', '/vendors/compare', { slugs: ['alpha-foods', 'nobody-here'] });
    expect(missing.json().error).toMatchObject({ code: 'vendor_not_found' });
    expect(missing.json().error.message).toContain('nobody-here');
    // without a diet or allergens there is no fit to count
    const plain = await publicCall('POST', '/vendors/compare', { slugs: ['alpha-foods', 'delta-deli'] });
    expect(plain.json().data.map((v: { fit: unknown }) => v.fit)).toEqual([null, null]);
    expect(plain.json().data[1].catalogue.product_count).toBe(3);
  });

  it('benchmarks equal quartiles over every active vendor, per currency, with an ETag', async () => {
    const rows = await activeRows();
    const res = await publicCall('GET', '/benchmarks/snacks');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ category: 'snacks', source: 'primary', freshness: 'fresh' });
    const snacks = rows.filter((r) => r.category === 'snacks');
    // each product's value as the figures keep it: to 3 significant figures
    const of = (r: Row, value: number) => ({ vendor_id: r.vendor_id, value: threeFigures(value) });
    const m = (r: Row) => r as never;
    const reference: Record<string, { vendor_id: string; value: number }[]> = {
      price_per_100g: snacks
        .filter((r) => r.currency === 'USD' && r.price_cents !== null && (r.serving_size_g ?? 0) > 0)
        .map((r) => of(r, metricOf.price_per_100g(m(r)))),
      price_per_10g_protein: snacks
        .filter((r) => r.currency === 'USD' && r.price_cents !== null && (r.protein_g ?? 0) > 0)
        .map((r) => of(r, metricOf.price_per_10g_protein(m(r)))),
      protein_per_100kcal: snacks
        .filter((r) => r.protein_g !== null && (r.calories ?? 0) > 0)
        .map((r) => of(r, metricOf.protein_per_100kcal(m(r)))),
      sodium_per_serving: snacks
        .filter((r) => r.sodium_mg !== null)
        .map((r) => of(r, metricOf.sodium_per_serving(m(r)))),
    };
    expect(body.metrics.map((m: { metric: string }) => m.metric).sort()).toEqual(
      Object.keys(reference).sort(),
    );
    const factors = await noiseFactors();
    for (const m of body.metrics) {
      const values = reference[m.metric]!;
      const q = vendorWeighted(values, factors);
      expect(m).toMatchObject({ vendors: 3, products: values.length, suppressed: false });
      expect(m.currency).toBe(m.metric.startsWith('price') ? 'USD' : null);
      expect(m.p25).toBeCloseTo(q.p25, 2);
      expect(m.median).toBeCloseTo(q.median, 2);
      expect(m.p75).toBeCloseTo(q.p75, 2);
    }
    // the suspended vendor's snacks count for nothing
    const omega = (
      await ds.query(`SELECT count(*)::int AS n FROM products WHERE vendor_id = $1 AND category = 'snacks'`, [
        vendors['omega-closed']!.vendorId,
      ])
    )[0].n;
    expect(omega).toBeGreaterThan(0);

    const one = await publicCall('GET', '/benchmarks/snacks/sodium_per_serving');
    expect(one.json().metrics).toHaveLength(1);
    expect(one.json().metrics[0]).toEqual(
      body.metrics.find((m: { metric: string }) => m.metric === 'sodium_per_serving'),
    );

    expect(res.headers.etag).toBeDefined();
    // the tag of the figures as they are now (a benchmark rebuild queued by the setup's vendor changes
    // may have landed since the first read: its computed_at changes the representation)
    const current = await publicCall('GET', '/benchmarks/snacks');
    const again = await publicCall('GET', '/benchmarks/snacks', undefined, {
      'if-none-match': current.headers.etag as string,
    });
    expect(again.statusCode).toBe(304);
    const euro = await publicCall('GET', '/benchmarks/snacks?currency=EUR');
    expect(
      euro
        .json()
        .metrics.map((m: { metric: string }) => m.metric)
        .sort(),
    ).toEqual(['protein_per_100kcal', 'sodium_per_serving']);
    expect((await publicCall('GET', '/benchmarks/snacks/price_per_kg')).statusCode).toBe(400);
    expect((await publicCall('GET', '/benchmarks/SNACKS')).statusCode).toBe(400);
    expect((await publicCall('GET', '/benchmarks/snacks?currency=usd')).statusCode).toBe(400);
    const unknown = await publicCall('GET', '/benchmarks/no-such-category');
    expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'benchmark_not_found']);
  });

  it('withholds the figures of a category fewer than 3 active vendors sell', async () => {
    const res = await publicCall('GET', '/benchmarks/rare-tea');
    expect(res.statusCode).toBe(200);
    for (const m of res.json().metrics) {
      expect(m).toMatchObject({
        vendors: 2,
        products: 6,
        suppressed: true,
        p25: null,
        median: null,
        p75: null,
      });
    }
    // and nothing of it is stored to leak from elsewhere
    const stored = await ds.query(`SELECT median FROM category_benchmarks WHERE category = 'rare-tea'`);
    expect(stored.every((r: { median: number | null }) => r.median === null)).toBe(true);
    // a third active vendor publishes it
    await vendors['gamma-grocer']!.request('POST', '/products', product('TEA-G', { category: 'rare-tea' }));
    await refreshAll();
    const published = (await publicCall('GET', '/benchmarks/rare-tea/price_per_100g')).json().metrics[0];
    expect(published).toMatchObject({ vendors: 3, products: 7, suppressed: false });
    const prices = (await activeRows())
      .filter((r) => r.category === 'rare-tea')
      .map((r) => ({ vendor_id: r.vendor_id, value: threeFigures(metricOf.price_per_100g(r as never)) }));
    expect(published.median).toBeCloseTo(vendorWeighted(prices, await noiseFactors()).median, 2);
  }, 90_000);

  it("analytics: match coverage equals the matches endpoint's own answer for every customer", async () => {
    const alpha = vendors['alpha-foods']!;
    const res = await alpha.request('GET', '/analytics/catalogue');
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a).toMatchObject({ customers: 40, source: 'primary', freshness: 'fresh' });
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM products WHERE vendor_id = $1`, [
      alpha.vendorId,
    ]);
    expect(a.products).toBe(n);

    const customers: { id: string; conditions: string[] }[] = await ds.query(
      `SELECT customer_id AS id, conditions FROM customer_health WHERE vendor_id = $1`,
      [alpha.vendorId],
    );
    const expected = new Map<string | null, { customers: number; covered: number }>();
    let covered = 0;
    for (const c of customers) {
      const m = await alpha.request('GET', `/customers/${c.id}/matches?limit=10`);
      expect(m.statusCode).toBe(200);
      const ok = m.json().candidates >= 10 ? 1 : 0;
      covered += ok;
      for (const cond of c.conditions.length ? c.conditions : [null]) {
        const e = expected.get(cond) ?? { customers: 0, covered: 0 };
        e.customers += 1;
        e.covered += ok;
        expected.set(cond, e);
      }
    }
    expect(a.match_coverage).toMatchObject({ threshold: 10, customers: 40, covered });
    expect(covered).toBeGreaterThan(0);
    expect(covered).toBeLessThan(40); // the profile mix leaves some customers short
    expect(
      Object.fromEntries(
        a.match_coverage.by_condition.map(
          (b: { condition: string | null; customers: number; covered: number }) => [
            String(b.condition),
            { customers: b.customers, covered: b.covered },
          ],
        ),
      ),
    ).toEqual(Object.fromEntries([...expected.entries()].map(([k, v]) => [String(k), v])));

    // data quality: the share missing each nutrient, from the catalogue
    const [missing] = await ds.query(
      `SELECT count(*) FILTER (WHERE fiber_g IS NULL)::int AS fiber FROM products WHERE vendor_id = $1`,
      [alpha.vendorId],
    );
    expect(a.data_quality.missing.find((f: { field: string }) => f.field === 'fiber_g').products).toBe(
      missing.fiber,
    );
    expect(a.tag_coverage.with_any_tag_share).toBeGreaterThan(0);

    // the aggregate health read is audited
    const [audit] = await ds.query(
      `SELECT after FROM audit_log WHERE vendor_id = $1 AND action = 'customer.health_profile.aggregated'
        ORDER BY occurred_at DESC LIMIT 1`,
      [alpha.vendorId],
    );
    expect(audit.after.customers).toBe(40);
  });

  it('analytics are private to the vendor, for analysts and up, and absent until computed', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/analytics/catalogue' });
    expect(res.statusCode).toBe(401);
    const key = await vendors['beta-market']!.request('POST', '/api-keys', {
      name: 'ingest bot',
      role: 'ingest',
    });
    const ingestOnly = vendors['beta-market']!.as(key.json().key);
    expect((await ingestOnly.request('GET', '/analytics/catalogue')).statusCode).toBe(403);
    // beta has no customers: coverage is zero of zero, its own figures only
    const beta = (await vendors['beta-market']!.request('GET', '/analytics/catalogue')).json();
    expect(beta.match_coverage).toMatchObject({ customers: 0, covered: 0, share: 0, by_condition: [] });
    expect(beta.products).toBe(300);

    const fresh = (await createVendor(app, 'brand-new')).client;
    const none = await fresh.request('GET', '/analytics/catalogue');
    expect([none.statusCode, none.json().error.code]).toEqual([404, 'analytics_not_ready']);
  });

  it('product writes and diet-rule changes queue a delayed refresh of the vendor (one waiting per vendor)', async () => {
    const delayed = await createApiApp(
      testConfig(db.url, {
        ADMIN_API_KEY: ADMIN_KEY,
        LOG_LEVEL: 'silent',
        INSIGHTS_REFRESH_DELAY_SECONDS: '60',
      }),
    );
    try {
      const late = (await createVendor(delayed, 'late-changer')).client;
      const waiting = (): Promise<{ seconds: number }[]> =>
        ds.query(
          `SELECT extract(epoch FROM start_after - now())::int AS seconds FROM pgboss.job
            WHERE name = 'insights.refresh-vendor' AND singleton_key = $1 AND state IN ('created', 'retry')`,
          [late.vendorId],
        );
      expect(await waiting()).toEqual([]);
      expect((await late.request('POST', '/products', product('NEW-1'))).statusCode).toBe(201);
      expect(
        (
          await late.request(
            'PATCH',
            `/products/${(await late.request('POST', '/products', product('NEW-2'))).json().id}`,
            { price_cents: 99 },
          )
        ).statusCode,
      ).toBe(200);
      const [job] = await waiting();
      expect(await waiting()).toHaveLength(1);
      expect(job!.seconds).toBeGreaterThan(30);
      const rule = await late.request('PUT', '/diet-rules/gout', {
        policy: { daily_limits: { sodium_mg: 1500 } },
      });
      expect(rule.statusCode).toBe(200);
      await waitFor(async () => {
        const rows = await ds.query(
          `SELECT 1 FROM pgboss.job WHERE name = 'customers.recompute-limits' AND state = 'completed'
              AND data->>'vendorId' = $1`,
          [late.vendorId],
        );
        return rows.length ? rows : undefined;
      });
      // the rule change's refresh joined the one already waiting
      expect(await waiting()).toHaveLength(1);
    } finally {
      await delayed.close();
    }
  });
});

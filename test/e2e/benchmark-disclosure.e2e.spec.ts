import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { QueueService } from '#libs/queue';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';
import { asVendorId } from '#libs/common';
import { InsightsRefreshService } from '#libs/insights';

/** Competitors' prices per 100 g (cents): what the attacker wants to read. */
const B_PRICE = 500;
const C_PRICE = 2500;

/**
 * The differencing attack of round two: a participating vendor shapes its own products (three at
 * 1 cent and one at 99 999) so that the pooled p25/median/p75 of a 3-vendor category land on its
 * two competitors' products, and reads their exact prices. Tried here in every shape (low, high,
 * between, the original mix), after each rebuild: every figure the attacker can read is either
 * suppressed or more than 10 % away from each competitor's real price.
 */
describe('category benchmarks resist differencing (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  const v: Record<'a' | 'b' | 'c', VendorClient> = {} as never;

  const product = (id: string, price: number) => ({
    external_id: id,
    name: `Protein bar ${id}`,
    category: 'bars',
    price_cents: price,
    currency: 'USD',
    serving_size_g: 100, // price per 100 g = price_cents
    calories: 200,
    protein_g: 20,
  });

  /** The vendors' figures refreshed (their medians are the benchmarks' input), then the benchmarks rebuilt by the job. */
  async function rebuild(): Promise<void> {
    const insights = worker.get(InsightsRefreshService);
    for (const k of ['a', 'b', 'c'] as const)
      await insights.refreshVendor(
        { id: 'test', role: 'system', vendorId: v[k].vendorId, ip: null, userAgent: null },
        asVendorId(v[k].vendorId),
      );
    const since = new Date();
    await worker.get(QueueService).send('insights.rebuild-benchmarks', {});
    await waitFor(async () => {
      const [r] = await ds.query(
        `SELECT count(*)::int AS n FROM category_benchmarks WHERE computed_at >= $1`,
        [since],
      );
      return r.n > 0 ? r : undefined;
    }, 30_000);
  }

  async function published(): Promise<{
    p25: number | null;
    median: number | null;
    p75: number | null;
    suppressed: boolean;
    vendors: number;
  }> {
    const res = await app.inject({ url: '/api/v1/benchmarks/bars/price_per_100g' });
    expect(res.statusCode).toBe(200);
    return res.json().metrics[0];
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY, INSIGHTS_REFRESH_DELAY_SECONDS: '3600' });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    ds = await db.owner();
    for (const k of ['a', 'b', 'c'] as const) v[k] = (await createVendor(app, `vendor-${k}`)).client;
    for (let i = 0; i < 4; i++) {
      expect((await v.b.request('POST', '/products', product(`B-${i}`, B_PRICE))).statusCode).toBe(201);
      expect((await v.c.request('POST', '/products', product(`C-${i}`, C_PRICE))).statusCode).toBe(201);
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await db.drop();
  });

  it.each([
    ['the original shape: three at 1 cent, one at 99 999', [1, 1, 1, 99_999]],
    ['all low', [1, 1, 1, 1]],
    ['all high', [99_999, 99_999, 99_999, 99_999]],
    ['between the two', [1000, 1000, 1000, 1000]],
    ['flooding one side', [1, 1, 1, 1, 1, 1, 1, 1, 1, 99_999, 99_999]],
  ])(
    '%s: nothing read back within 10 %% of a competitor',
    async (_shape, prices) => {
      await ds.query(`DELETE FROM products WHERE vendor_id = $1`, [v.a.vendorId]);
      for (const [i, price] of prices.entries()) {
        expect((await v.a.request('POST', '/products', product(`A-${i}`, price))).statusCode).toBe(201);
      }
      await rebuild();
      const figures = await published();
      expect(figures.vendors).toBe(3);
      for (const value of [figures.p25, figures.median, figures.p75]) {
        if (value === null) continue;
        for (const competitor of [B_PRICE, C_PRICE]) {
          expect(Math.abs(value - competitor) / competitor).toBeGreaterThan(0.1);
        }
      }
    },
    60_000,
  );

  it('each vendor keeps one persistent noise factor, 10–20 % from 1, invisible to the api role', async () => {
    const before = await ds.query(`SELECT vendor_id, factor FROM vendor_disclosure_noise ORDER BY vendor_id`);
    expect(before).toHaveLength(3);
    for (const { factor } of before) expect(Math.abs(factor - 1)).toBeGreaterThanOrEqual(0.1 - 1e-9);
    await rebuild();
    expect(
      await ds.query(`SELECT vendor_id, factor FROM vendor_disclosure_noise ORDER BY vendor_id`),
    ).toEqual(before);
    const asApi = await ds.transaction(async (m) => {
      await m.query(`SET LOCAL ROLE nrp_app`);
      return m.query(`SELECT count(*)::int AS n FROM vendor_disclosure_noise`);
    });
    expect(asApi[0].n).toBe(0);
  });

  it('suspending a vendor rebuilds the benchmarks at once (the category drops below 3 vendors)', async () => {
    expect((await published()).suppressed).toBe(false);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/vendors/${v.c.vendorId}/suspend`,
      headers: { 'x-admin-key': ADMIN_KEY },
    });
    expect(res.statusCode).toBe(200);
    // no other trigger: the suspension itself queued the rebuild
    await waitFor(async () => ((await published()).vendors === 2 ? true : undefined), 30_000);
    expect(await published()).toMatchObject({ vendors: 2, suppressed: true, median: null });
  }, 60_000);

  it("a vendor's public catalogue shows a category's median price only from 5 priced products", async () => {
    const refreshA = async () => {
      const since = new Date();
      await worker.get(QueueService).send('insights.refresh-vendor', { vendorId: v.a.vendorId });
      await waitFor(async () => {
        const [r] = await ds.query(
          `SELECT count(*)::int AS n FROM vendor_catalogue_stats WHERE vendor_id = $1 AND computed_at >= $2`,
          [v.a.vendorId, since],
        );
        return r.n > 0 ? r : undefined;
      }, 30_000);
      return (await app.inject({ url: '/api/v1/vendors/vendor-a/catalogue' })).json().catalogue;
    };
    await ds.query(`DELETE FROM products WHERE vendor_id = $1`, [v.a.vendorId]);
    expect((await v.a.request('POST', '/products', product('SOLO', 777))).statusCode).toBe(201);
    const one = await refreshA();
    expect(one.product_count).toBe(1);
    expect(one.protein_price).toEqual([]); // one product's price is not published as a "median"
    for (let i = 0; i < 4; i++) {
      expect((await v.a.request('POST', '/products', product(`MORE-${i}`, 700 + i))).statusCode).toBe(201);
    }
    const five = await refreshA();
    expect(five.protein_price).toEqual([
      { category: 'bars', currency: 'USD', median_price_per_10g_protein_cents: 351, products: 5 },
    ]);
  }, 60_000);
});

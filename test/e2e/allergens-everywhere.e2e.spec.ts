import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { ALLERGIES } from '#libs/calculator';
import { QueueService } from '#libs/queue';
import { isSafe, matchCriteria } from '../../libs/customers/src/matching.js';
import { normaliseAllergens } from '#libs/food-vocabulary';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createApiApp } from '../support/api-app.js';
import { above, allergenTable, under, type AllergenCase } from '../support/allergen-table.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';

/** Does a product declaring `declared` (stored codes) contain the allergen `group`? The table's own answer. */
const contains = (declared: string[], group: string) =>
  declared.some((d) => under(group).includes(d) || above(group).includes(d));

/**
 * One shared table (test/support/allergen-table.ts) drives every place that filters by allergen:
 * for every group, member and spelling, a product declaring a member is never safe for a customer
 * allergic to the group — in the matches SQL and isSafe, search exclusion, a diet rule's exclusion,
 * compare fit and analytics coverage (the composer: libs/reports/src/composer/allergens.spec.ts).
 * Both sides spelled at random: what the customer or the rule says, what the vendor declares.
 */
describe('one allergen vocabulary everywhere (e2e)', () => {
  const cases = allergenTable(40);
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let v: VendorClient;
  const products: { id: string; declared: string[] }[] = [];
  const customers: { id: string; c: AllergenCase }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY, INSIGHTS_REFRESH_DELAY_SECONDS: '3600' });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    ds = await db.owner();
    v = (await createVendor(app, 'every-allergen')).client;
    await createVendor(app, 'second-shop');
    const product = async (externalId: string, allergens: string[]) => {
      const res = await v.request('POST', '/products', {
        external_id: externalId,
        name: `Food ${externalId}`,
        category: 'foods',
        calories: 200,
        protein_g: 20,
        sodium_mg: 100,
        allergens,
      });
      expect(res.statusCode).toBe(201);
      products.push({ id: res.json().id, declared: res.json().allergens });
    };
    for (const [i, c] of cases.entries()) await product(`P-${i}`, [c.declared]);
    for (let i = 0; i < 12; i++) await product(`SAFE-${i}`, []);
    for (const [i, c] of cases.entries()) {
      const res = await v.request('POST', '/customers', {
        external_id: `C-${i}`,
        health_profile: { sex: 'male', age: 40, height_cm: 180, weight_kg: 80, allergies: [c.allergy] },
      });
      expect(res.statusCode).toBe(201);
      customers.push({ id: res.json().id, c });
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await db.drop();
  });

  it('stores every declared spelling as the member it names', () => {
    for (const [i, c] of cases.entries())
      expect([c.declared, products[i]!.declared]).toEqual([c.declared, [c.member]]);
  });

  it('isSafe and the matches SQL: no customer is offered a product declaring a member of their allergy', async () => {
    for (const { id, c } of customers) {
      const res = await v.request('GET', `/customers/${id}/matches?limit=100`);
      expect(res.statusCode).toBe(200);
      const offered = res.json().data.map((m: { product: { allergens: string[] } }) => m.product.allergens);
      expect(offered.length).toBeGreaterThanOrEqual(12); // the allergen-free foods, at least
      expect([c, offered.filter((a: string[]) => contains(a, c.group))]).toEqual([c, []]);
      // the same criteria in TypeScript
      const criteria = matchCriteria({
        allergies: normaliseAllergens([c.allergy]).codes,
        dietary_preferences: [],
        goals: [],
        derived_limits: {
          daily_limits: {},
          exclude_allergens: [],
          require_tags: [],
          exclude_tags: [],
          conditions: [],
        },
      } as never);
      for (const p of products.filter((x) => contains(x.declared, c.group))) {
        expect([c, isSafe({ allergens: p.declared, dietary_tags: [] } as never, criteria)]).toEqual([
          c,
          false,
        ]);
      }
    }
  }, 120_000);

  it('search leaves out every product declaring a member of the excluded allergen', async () => {
    for (const c of cases) {
      const res = await v.request(
        'GET',
        `/search?exclude_allergens=${encodeURIComponent(c.allergy)}&limit=100`,
      );
      expect(res.statusCode).toBe(200);
      const found = res.json().data.map((h: { allergens: string[] }) => h.allergens);
      expect([c, found.filter((a: string[]) => contains(a, c.group))]).toEqual([c, []]);
      expect(found).toHaveLength(products.filter((p) => !contains(p.declared, c.group)).length);
    }
  });

  it("a diet rule's excluded allergen (any spelling) rules out its members for customers with the condition", async () => {
    for (const [i, c] of cases.slice(0, 8).entries()) {
      const condition = `allergy_rule_${i}`;
      const put = await v.request('PUT', `/diet-rules/${condition}`, {
        policy: { daily_limits: {}, exclude_allergens: [c.allergy] },
      });
      expect(put.statusCode).toBe(200);
      const res = await v.request('POST', '/customers', {
        external_id: `RULE-${i}`,
        health_profile: { sex: 'female', age: 35, height_cm: 165, weight_kg: 60, conditions: [condition] },
      });
      const offered = (await v.request('GET', `/customers/${res.json().id}/matches?limit=100`))
        .json()
        .data.map((m: { product: { allergens: string[] } }) => m.product.allergens);
      expect(offered.length).toBeGreaterThanOrEqual(12);
      expect([c, offered.filter((a: string[]) => contains(a, c.group))]).toEqual([c, []]);
    }
  });

  it('compare fit and analytics coverage count exactly what matches would offer', async () => {
    const since = new Date();
    await worker.get(QueueService).send('insights.refresh-vendor', { vendorId: v.vendorId });
    await waitFor(async () => {
      const [r] = await ds.query(
        `SELECT (SELECT count(*)::int FROM vendor_catalogue_stats WHERE vendor_id = $1 AND computed_at >= $2)
              + (SELECT count(*)::int FROM catalogue_analytics WHERE vendor_id = $1 AND computed_at >= $2) AS n`,
        [v.vendorId, since],
      );
      return r.n === 2 ? true : undefined;
    }, 60_000);
    // compare fit, for the calculator's allergens that are groups (shellfish, fish, tree nuts, wheat)
    const stored = products.map((p) => p.declared);
    for (const group of ALLERGIES.values.filter((a) => under(a).length > 1)) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/vendors/compare',
        payload: { slugs: ['every-allergen', 'second-shop'], allergens: [group] },
      });
      expect(res.statusCode).toBe(200);
      const fit = res.json().data[0].fit.products;
      expect([group, fit]).toEqual([group, stored.filter((d) => !contains(d, group)).length]);
      expect(fit).toBeLessThan(stored.length); // the table declares members of every group
    }
    // analytics: the share of customers with at least 10 safe products, as the matches endpoint counts them
    const analytics = (await v.request('GET', '/analytics/catalogue')).json();
    let covered = 0;
    const all = await ds.query(`SELECT customer_id FROM customer_health WHERE vendor_id = $1`, [v.vendorId]);
    for (const { customer_id } of all) {
      const n = (await v.request('GET', `/customers/${customer_id}/matches?limit=100`)).json().data.length;
      if (n >= analytics.match_coverage.threshold) covered++;
    }
    expect(analytics.match_coverage).toMatchObject({ customers: all.length, covered });
  }, 120_000);
});

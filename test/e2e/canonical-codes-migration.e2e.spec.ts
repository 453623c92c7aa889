import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { canonicaliseStoredCodes } from '../../migrations/1795222200000-canonical-codes.js';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';

/**
 * The canonicalising migration on a catalogue written before the vocabulary: legacy codes as
 * vendors and shoppers wrote them (`dairy`, `crustacean_shellfish`, `soya`, `egg`, a vegan product
 * without its implied tags, gluten_free beside wheat), customers, diet rules (the celiac default
 * excluding wheat only) and calculator answers. It reports what it rewrote; matches and search are
 * right afterwards.
 */
describe('canonicalising stored codes (migration, e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let v: VendorClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY }));
    ds = await db.owner();
    v = (await createVendor(app, 'legacy-grocer')).client;
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('rewrites legacy codes, reports the counts, and matches and search are right afterwards', async () => {
    const legacy: [string, string[], string[]][] = [
      ['L-MILK', ['dairy'], []],
      ['L-CRAB', ['crustacean_shellfish'], []],
      ['L-SOY', ['soya'], ['vegan']],
      ['L-EGG', ['egg'], ['vegetarian']],
      ['L-BREAD', ['wheat'], ['gluten_free', 'vegan']],
      ['L-PLAIN', [], ['vegan']],
      ['L-KIWI', ['kiwi'], []],
      ['L-OK', ['peanuts'], []],
    ];
    for (const [ext, allergens, tags] of legacy) {
      await ds.query(
        `INSERT INTO products (vendor_id, id, external_id, name, category, allergens, dietary_tags, calories, protein_g, sodium_mg)
         VALUES ($1, uuid_generate_v5($1::uuid, $2), $2, $2, 'foods', $3, $4, 200, 20, 100)`,
        [v.vendorId, ext, allergens, tags],
      );
    }
    for (let i = 0; i < 10; i++) {
      await ds.query(
        `INSERT INTO products (vendor_id, id, external_id, name, category, calories, protein_g, sodium_mg)
         VALUES ($1, uuid_generate_v5($1::uuid, $2), $2, $2, 'foods', 200, 20, 100)`,
        [v.vendorId, `L-FREE-${i}`],
      );
    }
    const shopper = (
      await v.request('POST', '/customers', {
        external_id: 'SHOPPER',
        health_profile: { sex: 'female', age: 40, height_cm: 165, weight_kg: 60 },
      })
    ).json().id;
    const celiac = (
      await v.request('POST', '/customers', {
        external_id: 'CELIAC',
        health_profile: { sex: 'male', age: 50, height_cm: 180, weight_kg: 85, conditions: ['celiac'] },
      })
    ).json().id;
    await ds.query(
      `UPDATE customer_health SET allergies = '{dairy,shellfish}', dietary_preferences = '{veggie}'
        WHERE vendor_id = $1 AND customer_id = $2`,
      [v.vendorId, shopper],
    );
    // the celiac rule as seeded before (wheat only), and a vendor's own rule in old spellings
    await ds.query(
      `UPDATE diet_rules SET policy = jsonb_set(policy, '{exclude_allergens}', '["wheat"]') WHERE vendor_id = $1 AND condition_code = 'celiac'`,
      [v.vendorId],
    );
    await ds.query(
      `UPDATE customer_health SET derived_limits = derive_limits(vendor_id, conditions) WHERE vendor_id = $1`,
      [v.vendorId],
    );
    await ds.query(
      `INSERT INTO diet_rules (vendor_id, condition_code, policy) VALUES ($1, 'soy_free_diet', '{"daily_limits": {}, "exclude_allergens": ["soya"]}')`,
      [v.vendorId],
    );
    await ds.query(
      `INSERT INTO calculator_sessions (answers, profile) VALUES ('{"allergies": ["dairy", "eggs"]}', '{"allergies": ["dairy", "eggs"]}')`,
    );

    const runner = ds.createQueryRunner();
    await runner.startTransaction();
    const report = await canonicaliseStoredCodes(runner);
    await runner.commitTransaction();
    await runner.release();
    expect(report).toEqual({
      products: 6, // milk, crab, soy, egg, bread, plain (kiwi and peanuts were canonical already)
      customer_health: 1,
      diet_rules: 2, // celiac (wheat → every gluten cereal) and the vendor's own soya rule
      diet_rule_defaults: 0, // the template's defaults were canonicalised when it was migrated
      calculator_sessions: 2, // answers and profile of the one session
      derived_limits_recomputed: 1,
    });

    const stored = Object.fromEntries(
      (
        await ds.query(
          `SELECT external_id, allergens, dietary_tags FROM products WHERE vendor_id = $1 AND external_id NOT LIKE 'L-FREE-%'`,
          [v.vendorId],
        )
      ).map((r: { external_id: string; allergens: string[]; dietary_tags: string[] }) => [
        r.external_id,
        [r.allergens, r.dietary_tags],
      ]),
    );
    expect(stored).toEqual({
      'L-MILK': [['milk'], []],
      'L-CRAB': [['crustaceans'], []],
      'L-SOY': [['soy'], ['dairy_free', 'egg_free', 'vegan', 'vegetarian']],
      'L-EGG': [['eggs'], ['vegetarian']],
      'L-BREAD': [['wheat'], ['dairy_free', 'egg_free', 'vegan', 'vegetarian']], // gluten_free dropped
      'L-PLAIN': [[], ['dairy_free', 'egg_free', 'vegan', 'vegetarian']],
      'L-KIWI': [['kiwi'], []], // unknown: kept as written
      'L-OK': [['peanuts'], []],
    });
    const [health] = await ds.query(
      `SELECT allergies, dietary_preferences FROM customer_health WHERE customer_id = $1`,
      [shopper],
    );
    expect(health).toEqual({ allergies: ['milk', 'shellfish'], dietary_preferences: ['vegetarian'] });
    const [rule] = await ds.query(
      `SELECT derived_limits -> 'exclude_allergens' AS allergens FROM customer_health WHERE customer_id = $1`,
      [celiac],
    );
    expect(rule.allergens).toEqual(['gluten_cereals']);
    const [session] = await ds.query(`SELECT answers, profile FROM calculator_sessions`);
    expect([session.answers.allergies, session.profile.allergies]).toEqual([
      ['eggs', 'milk'],
      ['eggs', 'milk'],
    ]);

    // matches: a vegetarian (vegan products count), allergic to dairy and shellfish
    const matched = (await v.request('GET', `/customers/${shopper}/matches?limit=100`))
      .json()
      .data.map((m: { product: { external_id: string } }) => m.product.external_id)
      .sort();
    expect(matched).toEqual(['L-BREAD', 'L-EGG', 'L-PLAIN', 'L-SOY']);
    // celiac: gluten-free products only, none declaring a gluten cereal (there is none left tagged so)
    expect((await v.request('GET', `/customers/${celiac}/matches?limit=100`)).json().data).toEqual([]);
    // search: excluded by any spelling, found by implied tags
    const search = async (q: string) =>
      (await v.request('GET', `/search?${q}&limit=100`))
        .json()
        .data.map((h: { external_id: string }) => h.external_id)
        .filter((x: string) => !x.startsWith('L-FREE'))
        .sort();
    expect(await search('exclude_allergens=dairy,shellfish,gluten')).toEqual(
      ['L-SOY', 'L-EGG', 'L-PLAIN', 'L-KIWI', 'L-OK'].sort(),
    );
    expect(await search('tags=vegetarian')).toEqual(['L-SOY', 'L-EGG', 'L-BREAD', 'L-PLAIN'].sort());
    expect(await search('tags=gluten_free')).toEqual([]);
    // a second run finds nothing left to rewrite
    const again = ds.createQueryRunner();
    expect(await canonicaliseStoredCodes(again)).toEqual({
      products: 0,
      customer_health: 0,
      diet_rules: 0,
      diet_rule_defaults: 0,
      calculator_sessions: 0,
      derived_limits_recomputed: 0,
    });
    await again.release();
  });
});

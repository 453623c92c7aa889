import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { freePort } from '#libs/db/embedded';
import { containsAllergen } from '#libs/food-vocabulary';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { EU_NAMES, FDA_NAMES, ifctFoods, servingOf, type Food } from '../support/ifct.js';
import { tusUpload } from '../support/tus-upload.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const cell = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const line = (values: (string | number)[]) => values.map((v) => cell(String(v))).join(',');

/** A US vendor's export: per-serving label values, FDA allergen names. */
function usExport(foods: Food[]): string {
  const header =
    'SKU,Product Name,Serving Size (g),Calories,Protein (g),Total Fat (g),Total Carbohydrate (g),Dietary Fiber (g),Sodium (mg),Potassium (mg),Contains';
  return [
    header,
    ...foods.map((f) => {
      const k = servingOf(f) / 100;
      const p = f.per100g;
      return line([
        f.code,
        f.name,
        servingOf(f),
        r3((p.kj / 4.184) * k),
        r3(p.protein * k),
        r3(p.fat * k),
        r3(p.carbs * k),
        r3(p.fibre * k),
        r3(p.sodiumG * 1000 * k),
        r3(p.potassiumG * 1000 * k),
        f.allergens.map((a) => FDA_NAMES[a]).join(', '),
      ]);
    }),
  ].join('\n');
}

/** An EU vendor's export: per-100 g label values, energy in kJ, salt instead of sodium, EU names. */
function euExport(foods: Food[]): string {
  const header =
    'Article number;Name;Portion (g);Energy (kJ/100 g);Protein (g/100 g);Fat (g/100 g);Carbohydrate (g/100 g);Fibre (g/100 g);Salt (g/100 g);Potassium (g/100 g);Allergens';
  return [
    header.replace(/;/g, ','),
    ...foods.map((f) => {
      const p = f.per100g;
      return line([
        f.code,
        f.name,
        servingOf(f),
        p.kj,
        p.protein,
        p.fat,
        p.carbs,
        p.fibre,
        Number((p.sodiumG * 2.5).toPrecision(12)),
        p.potassiumG,
        f.allergens.map((a) => EU_NAMES[a]).join('; '),
      ]);
    }),
  ].join('\n');
}

/** Our own field names and codes, per serving. */
function plainExport(foods: Food[]): string {
  return [
    'external_id,name,serving_size_g,calories,protein_g,fat_g,carbs_g,fiber_g,sodium_mg,potassium_mg,allergens',
    ...foods.map((f) => {
      const k = servingOf(f) / 100;
      const p = f.per100g;
      return line([
        f.code,
        f.name,
        servingOf(f),
        r3((p.kj / 4.184) * k),
        r3(p.protein * k),
        r3(p.fat * k),
        r3(p.carbs * k),
        r3(p.fibre * k),
        r3(p.sodiumG * 1000 * k),
        r3(p.potassiumG * 1000 * k),
        f.allergens.join('|'),
      ]);
    }),
  ].join('\n');
}

/**
 * Real vendors' data (the trial of 2026-12-06): a public food composition table (IFCT 2017: per 100 g,
 * energy in kJ, sodium in g) exported the ways vendors' systems write it, uploaded with
 * tus-js-client. The health promise: a customer allergic to dairy, eggs, fish and shellfish got 36
 * unsafe products among 300 matches when codes were compared literally.
 */
describe('real food data: vocabularies, units and bases (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let uploadDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    uploadDir = await mkdtemp(path.join(os.tmpdir(), 'nrp-food-'));
    const port = await freePort();
    const config = testConfig(db.url, {
      ADMIN_API_KEY: ADMIN_KEY,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      INGEST_UPLOAD_DIR: uploadDir,
    });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    await app.listen(port, '127.0.0.1');
    ds = await db.owner();
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await db.drop();
    await rm(uploadDir, { recursive: true, force: true });
  });

  async function ingest(c: VendorClient, csv: string, body: Record<string, unknown> = {}) {
    const job = (await c.request('POST', '/ingest/csv?mode=products', body)).json();
    await tusUpload(job.upload_url, Buffer.from(csv), c.token);
    return waitFor(async () => {
      const j = (await c.request('GET', `/ingest/jobs/${job.job_id}`)).json();
      return ['completed', 'failed'].includes(j.status) ? j : undefined;
    }, 90_000);
  }

  const stored = (vendorId: string) =>
    ds.query(
      `SELECT external_id, serving_size_g, nutrient_basis, calories, protein_g, fat_g, carbs_g, fiber_g, sodium_mg,
              potassium_mg, allergens
         FROM products WHERE vendor_id = $1 ORDER BY external_id`,
      [vendorId],
    );

  it('three exports of the same five foods end with the same per-serving figures and canonical allergens', async () => {
    const pick = ['M005', 'Q005', 'L002', 'H001', 'A019']; // egg white, mud crab, cow's milk, almond, atta
    const foods = ifctFoods().filter((f) => pick.includes(f.code));
    expect(foods).toHaveLength(5);
    const [us, eu, plain] = await Promise.all(
      ['us-shop', 'eu-shop', 'plain-shop'].map((s) => createVendor(app, s)),
    );
    for (const [v, csv] of [
      [us!, usExport(foods)],
      [eu!, euExport(foods)],
      [plain!, plainExport(foods)],
    ] as const) {
      const job = await ingest(v.client, csv);
      expect([job.status, job.rows_inserted, job.rows_failed, job.warnings]).toEqual(['completed', 5, 0, {}]);
    }
    const [a, b, c] = await Promise.all([
      stored(us!.vendorId),
      stored(eu!.vendorId),
      stored(plain!.vendorId),
    ]);
    expect(b.map((r: { nutrient_basis: string }) => r.nutrient_basis)).toEqual(Array(5).fill('per_100g'));
    expect(a.map((r: { nutrient_basis: string }) => r.nutrient_basis)).toEqual(Array(5).fill('per_serving'));
    for (const [i, base] of c.entries()) {
      for (const other of [a[i], b[i]]) {
        expect(other.external_id).toBe(base.external_id);
        expect(other.allergens).toEqual(base.allergens);
        expect(other.serving_size_g).toBe(base.serving_size_g);
        for (const k of [
          'calories',
          'protein_g',
          'fat_g',
          'carbs_g',
          'fiber_g',
          'sodium_mg',
          'potassium_mg',
        ]) {
          expect([base.external_id, k, Math.abs(other[k] - base[k]) <= 0.002]).toEqual([
            base.external_id,
            k,
            true,
          ]);
        }
      }
    }
    // what the five foods are made of, in the vocabulary's codes
    expect(
      Object.fromEntries(
        c.map((r: { external_id: string; allergens: string[] }) => [r.external_id, r.allergens]),
      ),
    ).toEqual({
      A019: ['wheat'],
      H001: ['tree_nuts'],
      L002: ['milk'],
      M005: ['eggs'],
      Q005: ['crustaceans'],
    });
    // 220 kJ per 100 g of egg white → 52.581 kcal per 100 g → 26.291 kcal in a 50 g serving
    expect(c.find((r: { external_id: string }) => r.external_id === 'M005').calories).toBeCloseTo(26.291, 2);
  }, 180_000);

  it('refuses an "Energy" column that does not say its unit, naming the mapping to give; nothing is stored', async () => {
    const v = await createVendor(app, 'ambiguous-shop');
    const csv = ['sku,name,Energy,Protein', 'E-1,Oats,1620,13'].join('\n');
    const job = await ingest(v.client, csv);
    expect(job.status).toBe('failed');
    expect(job.error).toContain('"Energy"');
    expect(job.error).toContain('{"Energy":"energy_kj"}');
    expect(job.error).toContain('{"Energy":"calories"}');
    expect(
      (await ds.query(`SELECT count(*)::int AS n FROM products WHERE vendor_id = $1`, [v.vendorId]))[0].n,
    ).toBe(0);
    // the mapping settles it: kJ, converted
    const mapped = await ingest(v.client, csv, { mapping: { Energy: 'energy_kj' } });
    expect(mapped.status).toBe('completed');
    const [row] = await ds.query(`SELECT calories FROM products WHERE vendor_id = $1`, [v.vendorId]);
    expect(row.calories).toBeCloseTo(1620 / 4.184, 2);
  }, 120_000);

  it('a customer allergic to dairy, eggs, fish and shellfish gets no unsafe food from the whole table', async () => {
    const v = await createVendor(app, 'ifct-grocer');
    const foods = ifctFoods();
    const job = await ingest(v.client, euExport(foods));
    expect(job).toMatchObject({ status: 'completed', rows_failed: 0 });
    expect(job.rows_inserted).toBe(foods.length);
    const customer = await v.client.request('POST', '/customers', {
      external_id: 'ALLERGIC-1',
      health_profile: {
        sex: 'female',
        age: 40,
        height_cm: 165,
        weight_kg: 62,
        allergies: ['dairy', 'eggs', 'fish', 'shellfish'],
      },
    });
    expect(customer.statusCode).toBe(201);
    const profile = (await v.client.request('GET', `/customers/${customer.json().id}/health-profile`)).json();
    expect(profile.allergies).toEqual(['eggs', 'fish', 'milk', 'shellfish']);
    const matches = (
      await v.client.request('GET', `/customers/${customer.json().id}/matches?limit=100`)
    ).json();
    expect(matches.data.length).toBeGreaterThan(50);
    const unsafe = matches.data.filter((m: { product: { allergens: string[] } }) =>
      containsAllergen(m.product.allergens, ['milk', 'eggs', 'fish', 'shellfish']),
    );
    expect(unsafe).toEqual([]);
    // none of the foods the table says are eggs, milk, fish, crabs, prawns, oysters, squid
    const excluded = new Set(
      foods
        .filter((f) =>
          f.allergens.some((a) => ['milk', 'eggs', 'fish', 'crustaceans', 'molluscs'].includes(a)),
        )
        .map((f) => f.code),
    );
    expect(excluded.size).toBeGreaterThan(100);
    expect(
      matches.data.filter((m: { product: { external_id: string } }) => excluded.has(m.product.external_id)),
    ).toEqual([]);
    expect(matches.data[0].reasons[0]).toBe(
      'contains none of: eggs, fish, milk, shellfish, crustaceans, molluscs — your allergies: eggs, fish, milk (dairy), shellfish',
    );
    // search leaves them out the same way
    const search = (await v.client.request('GET', '/search?q=crab&exclude_allergens=shellfish')).json();
    expect(search.data).toEqual([]);
    expect((await v.client.request('GET', '/search?q=crab')).json().data.length).toBeGreaterThan(0);
  }, 180_000);

  it('an API write takes the same units, bases and spellings, and says what it kept or dropped', async () => {
    const v = await createVendor(app, 'api-shop');
    const res = await v.client.request('POST', '/products', {
      external_id: 'EU-LABEL-1',
      name: 'Prawn crackers',
      serving_size_g: 50,
      nutrient_basis: 'per_100g',
      energy_kj: 2000,
      salt_g: 1.25,
      protein_g: 8,
      allergens: ['Crustacean shellfish', 'Soya', 'Kiwi Fruit'],
      dietary_tags: ['GF', 'Vegan', 'low-fat'],
    });
    expect(res.statusCode).toBe(201);
    const p = res.json();
    expect(p).toMatchObject({
      nutrient_basis: 'per_100g',
      serving_size_g: 50,
      calories: 239.006, // 2000 kJ / 4.184 per 100 g, for 50 g
      sodium_mg: 250, // 1.25 g salt ÷ 2.5 per 100 g, for 50 g
      protein_g: 4,
      allergens: ['crustaceans', 'kiwi_fruit', 'soy'],
      // vegan (and the vegetarian it implies) cannot be true of prawns; dairy- and egg-free still are
      dietary_tags: ['dairy_free', 'egg_free', 'gluten_free', 'low_fat'],
    });
    expect(p.warnings.map((w: { reason: string; code: string }) => [w.reason, w.code]).sort()).toEqual([
      ['contradicted_tag', 'vegan'],
      ['contradicted_tag', 'vegetarian'],
      ['unknown_allergen', 'kiwi_fruit'],
    ]);
    // both units given: the stored one wins (EU labels give kJ and kcal side by side)
    const both = await v.client.request('PATCH', `/products/${p.id}`, { calories: 100, energy_kj: 2000 });
    expect(both.json().calories).toBe(100);
  });

  it('a CSV line keeps an unknown allergen and drops a contradicted tag, with warning rows and counts', async () => {
    const v = await createVendor(app, 'warned-shop');
    const csv = [
      'sku,name,allergens,tags',
      'W-1,Kiwi tart,"Kiwi; Wheat",gluten-free|Vegetarian',
      'W-2,Rice cake,,GF',
    ].join('\n');
    const job = await ingest(v.client, csv);
    expect(job).toMatchObject({
      status: 'completed',
      rows_inserted: 2,
      rows_failed: 0,
      warnings: { unknown_allergen: 1, contradicted_tag: 1 },
    });
    const errors = (await v.client.request('GET', `/ingest/jobs/${job.job_id}/errors.csv`)).body
      .trim()
      .split('\n');
    expect(errors.slice(1)).toEqual([
      '2,allergens,kiwi,"unknown_allergen: ""kiwi"" is not in the allergen vocabulary: kept as written, matched only by that code",warning',
      '2,tags,gluten_free,contradicted_tag: gluten_free dropped: the product declares wheat,warning',
    ]);
    const rows = await ds.query(
      `SELECT external_id, allergens, dietary_tags FROM products WHERE vendor_id = $1 ORDER BY external_id`,
      [v.vendorId],
    );
    expect(rows).toEqual([
      { external_id: 'W-1', allergens: ['kiwi', 'wheat'], dietary_tags: ['vegetarian'] },
      { external_id: 'W-2', allergens: [], dietary_tags: ['gluten_free'] },
    ]);
  }, 60_000);
});

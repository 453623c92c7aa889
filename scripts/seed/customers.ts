import type { Customer, CustomerHealth } from '#libs/customers';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { uuidV5 } from '#libs/vendors';
import { prng } from './catalogue.js';

/**
 * Realistic adult customers: sex, age (skewed to mid-life), height by sex, weight from a BMI
 * distribution, activity, and conditions, allergies, preferences and goals at roughly their
 * population prevalence (hypertension rising with age, etc.).
 */
/** A generated customer: identity and the health fields the generator fills, none of them null. */
export type GeneratedCustomer = {
  [K in 'external_id' | 'email' | 'first_name' | 'last_name']: NonNullable<Customer[K]>;
} & {
  [
    K in
      | 'age'
      | 'height_cm'
      | 'weight_kg'
      | 'activity_level'
      | 'conditions'
      | 'allergies'
      | 'dietary_preferences'
      | 'goals'
  ]: NonNullable<CustomerHealth[K]>;
} & { sex: 'male' | 'female' };

const FIRST = [
  'Ann',
  'Ben',
  'Cara',
  'Dev',
  'Eli',
  'Fay',
  'Gus',
  'Hana',
  'Ivan',
  'Jo',
  'Kai',
  'Lea',
  'Max',
  'Nia',
  'Oli',
  'Pia',
  'Raj',
  'Sam',
  'Tess',
  'Uma',
];
const LAST = [
  'Smith',
  'Garcia',
  'Chen',
  'Okafor',
  'Novak',
  'Silva',
  'Kim',
  'Müller',
  'Rossi',
  'Haddad',
  'Patel',
  'Jones',
  'Berg',
  'Sato',
];
const ACTIVITY: [NonNullable<CustomerHealth['activity_level']>, number][] = [
  ['sedentary', 0.3],
  ['light', 0.3],
  ['moderate', 0.25],
  ['active', 0.12],
  ['very_active', 0.03],
];
const ALLERGY_RATES: [string, number][] = [
  ['peanuts', 0.02],
  ['tree_nuts', 0.015],
  ['milk', 0.02],
  ['eggs', 0.01],
  ['shellfish', 0.02],
  ['fish', 0.01],
  ['wheat', 0.01],
  ['soy', 0.005],
  ['sesame', 0.005],
];

function normal(r: () => number, mean: number, sd: number): number {
  const u = 1 - r();
  const v = r();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export class CustomerGenerator {
  private readonly r: () => number;
  constructor(seed = 3) {
    this.r = prng(seed);
  }

  customer(i: number, prefix = 'CUST'): GeneratedCustomer {
    const r = this.r;
    const sex = r() < 0.5 ? 'male' : 'female';
    const age = Math.round(Math.min(90, Math.max(18, normal(r, 46, 15))));
    const height = Math.round(normal(r, sex === 'male' ? 176 : 163, sex === 'male' ? 7 : 6.5));
    const bmi = Math.min(50, Math.max(16, normal(r, 27, 5)));
    const weight = Math.round(bmi * (height / 100) ** 2 * 10) / 10;
    let x = r();
    const activity = ACTIVITY.find(([, p]) => (x -= p) < 0)?.[0] ?? 'sedentary';
    const older = age >= 60 ? 1.6 : age >= 45 ? 1.2 : 0.6;
    const conditions = [
      ['hypertension', 0.3 * older],
      ['diabetes', 0.11 * older],
      ['ckd', 0.07 * older],
      ['celiac', 0.01],
      ['lactose_intolerance', 0.08],
      ['heart_disease', 0.06 * older],
      ['gout', 0.04 * (sex === 'male' ? 1.5 : 0.5)],
    ]
      .filter(([, p]) => r() < (p as number))
      .map(([c]) => c as string);
    const allergies = ALLERGY_RATES.filter(([, p]) => r() < p).map(([a]) => a);
    const prefs = r() < 0.03 ? ['vegan'] : r() < 0.08 ? ['vegetarian'] : [];
    const goals = [
      ['weight_loss', bmi > 27 ? 0.55 : 0.15],
      ['muscle_gain', 0.1],
      [
        'heart_health',
        conditions.includes('heart_disease') || conditions.includes('hypertension') ? 0.4 : 0.05,
      ],
      ['blood_sugar_control', conditions.includes('diabetes') ? 0.6 : 0.02],
    ]
      .filter(([, p]) => r() < (p as number))
      .map(([g]) => g as string);
    const first = FIRST[Math.floor(r() * FIRST.length)]!;
    const last = LAST[Math.floor(r() * LAST.length)]!;
    return {
      external_id: `${prefix}-${String(i).padStart(8, '0')}`,
      email: `${first}.${last}.${i}@example.com`.toLowerCase(),
      first_name: first,
      last_name: last,
      sex,
      age,
      height_cm: height,
      weight_kg: weight,
      activity_level: activity,
      conditions,
      allergies,
      dietary_preferences: prefs,
      goals,
    };
  }
}

const arr = (xs: string[]) => `{${xs.join(',')}}`;

/**
 * Streams `count` generated customers for a vendor with COPY: identities straight into
 * `customers`, health data through a temporary table into `customer_health` with BMR, TDEE and
 * derived limits computed by the same SQL functions as the api. Re-running upserts.
 */
export async function loadCustomers(
  url: string,
  vendorId: string,
  count: number,
  opts: { seed?: number; prefix?: string; log?: (line: string) => void } = {},
): Promise<{ rows: number; ms: number }> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: url, application_name: 'seed' });
  await client.connect();
  try {
    await client.query(`SET synchronous_commit = off`);
    const gen = new CustomerGenerator(opts.seed ?? 3);
    const prefix = opts.prefix ?? 'CUST';
    // The customer pass keeps each generated customer for the health pass, which frees it.
    const cache: (GeneratedCustomer | undefined)[] = new Array(count);
    await client.query('BEGIN');
    await client.query(`CREATE TEMP TABLE seed_customers (LIKE customers INCLUDING DEFAULTS) ON COMMIT DROP`);
    await client.query(
      `CREATE TEMP TABLE seed_health (customer_id uuid, sex text, age smallint, height_cm real, weight_kg real,
         activity_level text, conditions text[], allergies text[], dietary_preferences text[], goals text[]) ON COMMIT DROP`,
    );
    function* rows(kind: 'c' | 'h'): Generator<string> {
      let batch = '';
      for (let i = 0; i < count; i++) {
        const c = kind === 'c' ? gen.customer(i, prefix) : (cache[i] as GeneratedCustomer);
        if (kind === 'c') cache[i] = c;
        const id = uuidV5(vendorId, c.external_id);
        batch +=
          kind === 'c'
            ? `${vendorId},${id},${c.external_id},${c.email},${c.first_name},${c.last_name}\n`
            : `${id},${c.sex},${c.age},${c.height_cm},${c.weight_kg},${c.activity_level},"${arr(c.conditions)}","${arr(c.allergies)}","${arr(c.dietary_preferences)}","${arr(c.goals)}"\n`;
        if (kind === 'h') cache[i] = undefined;
        if (batch.length > 1 << 20) {
          yield batch;
          batch = '';
        }
      }
      if (batch) yield batch;
    }
    await pipeline(
      Readable.from(rows('c')),
      client.query(
        copyStreams.from(
          `COPY seed_customers (vendor_id, id, external_id, email, first_name, last_name) FROM STDIN (FORMAT csv)`,
        ),
      ),
    );
    await pipeline(
      Readable.from(rows('h')),
      client.query(copyStreams.from(`COPY seed_health FROM STDIN (FORMAT csv)`)),
    );
    opts.log?.(
      `copied ${count} customers in ${((Date.now() - started) / 1000).toFixed(1)} s; merging and deriving`,
    );
    await client.query(
      `INSERT INTO customers (vendor_id, id, external_id, email, first_name, last_name)
       SELECT vendor_id, id, external_id, email, first_name, last_name FROM seed_customers
       ON CONFLICT (vendor_id, id) DO UPDATE SET email = EXCLUDED.email, first_name = EXCLUDED.first_name,
         last_name = EXCLUDED.last_name, updated_at = now()`,
    );
    await client.query(
      `INSERT INTO customer_health (vendor_id, customer_id, sex, age, height_cm, weight_kg, activity_level, conditions,
              allergies, dietary_preferences, goals, bmr, tdee_cached, derived_limits, derived_at)
       SELECT $1, s.customer_id, s.sex, s.age, s.height_cm, s.weight_kg, s.activity_level, s.conditions, s.allergies,
              s.dietary_preferences, s.goals, b.bmr, (b.bmr * activity_factor(s.activity_level))::real,
              derive_limits($1, s.conditions), now()
         FROM seed_health s, LATERAL (SELECT mifflin_st_jeor(s.sex, s.weight_kg, s.height_cm, s.age) AS bmr) b
       ON CONFLICT (vendor_id, customer_id) DO UPDATE SET
         sex = EXCLUDED.sex, age = EXCLUDED.age, height_cm = EXCLUDED.height_cm, weight_kg = EXCLUDED.weight_kg,
         activity_level = EXCLUDED.activity_level, conditions = EXCLUDED.conditions, allergies = EXCLUDED.allergies,
         dietary_preferences = EXCLUDED.dietary_preferences, goals = EXCLUDED.goals, bmr = EXCLUDED.bmr,
         tdee_cached = EXCLUDED.tdee_cached, derived_limits = EXCLUDED.derived_limits, derived_at = now(),
         updated_at = now()`,
      [vendorId],
    );
    await client.query('COMMIT');
    const suffix = vendorId.replace(/-/g, '');
    await client.query(`ANALYZE ${client.escapeIdentifier(`customers_${suffix}`)}`);
    await client.query(`ANALYZE ${client.escapeIdentifier(`customer_health_${suffix}`)}`);
    return { rows: count, ms: Date.now() - started };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

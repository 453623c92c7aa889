import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers' health data moves out of the identity table into `customer_health` (partitioned the
 * same way: LIST vendor → HASH(customer_id) ×32), reachable only through the audited health
 * service. Diet rules per vendor (defaults seeded for every vendor), and the derivations as SQL
 * functions — one implementation for a single profile and for set-based recomputes:
 *   mifflin_st_jeor(sex, weight_kg, height_cm, age) → BMR (kcal/day)
 *   activity_factor(level) → TDEE multiplier
 *   derive_limits(vendor, conditions) → the most restrictive limit per nutrient across the rules
 *   of the customer's conditions, tags and allergens unioned, the smallest per-meal fraction.
 */
export class Customers1795219600000 implements MigrationInterface {
  name = 'Customers1795219600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX customers_conditions`);
    await q.query(`
      ALTER TABLE customers
        DROP COLUMN birth_date, DROP COLUMN age, DROP COLUMN sex, DROP COLUMN height_cm,
        DROP COLUMN weight_kg, DROP COLUMN activity_level, DROP COLUMN conditions,
        DROP COLUMN allergies, DROP COLUMN dietary_preferences, DROP COLUMN goals, DROP COLUMN bmr,
        DROP COLUMN tdee, DROP COLUMN derived_limits, DROP COLUMN derived_at`);

    await q.query(`
      CREATE TABLE customer_health (
        vendor_id           uuid        NOT NULL,
        customer_id         uuid        NOT NULL,
        sex                 text        CHECK (sex IN ('male', 'female', 'other')),
        birth_date          date,
        age                 smallint    CHECK (age BETWEEN 0 AND 130),
        height_cm           real        CHECK (height_cm BETWEEN 40 AND 260),
        weight_kg           real        CHECK (weight_kg BETWEEN 2 AND 400),
        activity_level      text        CHECK (activity_level IN
                              ('sedentary', 'light', 'moderate', 'active', 'very_active')),
        conditions          text[]      NOT NULL DEFAULT '{}',
        allergies           text[]      NOT NULL DEFAULT '{}',
        dietary_preferences text[]      NOT NULL DEFAULT '{}',
        goals               text[]      NOT NULL DEFAULT '{}',
        notes               text,
        bmr                 real,
        tdee_cached         real,
        derived_limits      jsonb       NOT NULL DEFAULT '{}',
        derived_at          timestamptz,
        updated_at          timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vendor_id, customer_id)
      ) PARTITION BY LIST (vendor_id)`);
    await q.query(`CREATE INDEX customer_health_conditions ON customer_health USING gin (conditions)`);

    await q.query(`
      CREATE TABLE diet_rules (
        vendor_id      uuid        NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
        condition_code text        NOT NULL CHECK (condition_code ~ '^[a-z0-9_]{1,60}$'),
        policy         jsonb       NOT NULL,
        source         text,
        is_default     boolean     NOT NULL DEFAULT false,
        updated_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vendor_id, condition_code)
      )`);

    // Defaults per condition: daily limits, with where each number comes from.
    await q.query(`
      CREATE TABLE diet_rule_defaults (
        condition_code text  PRIMARY KEY,
        policy         jsonb NOT NULL,
        source         text  NOT NULL
      )`);
    await q.query(
      `INSERT INTO diet_rule_defaults (condition_code, policy, source) SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS d(condition_code text, policy jsonb, source text)`,
      [JSON.stringify(DEFAULT_RULES)],
    );
    await q.query(`
      CREATE FUNCTION seed_default_diet_rules(vendor uuid) RETURNS void LANGUAGE sql AS $$
        INSERT INTO diet_rules (vendor_id, condition_code, policy, source, is_default)
        SELECT vendor, condition_code, policy, source, true FROM diet_rule_defaults
        ON CONFLICT DO NOTHING
      $$`);
    await q.query(`SELECT seed_default_diet_rules(id) FROM vendors WHERE status <> 'deleted'`);

    // Partitions now include customer_health (hash on customer_id).
    await q.query(`
      CREATE OR REPLACE FUNCTION create_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        suffix text := replace(vendor::text, '-', '');
        spec record;
      BEGIN
        FOR spec IN SELECT * FROM (VALUES ('products', 16, 'id'), ('customers', 32, 'id'),
                                          ('customer_health', 32, 'customer_id')) AS s(tbl, n, k) LOOP
          IF to_regclass(spec.tbl || '_' || suffix) IS NOT NULL THEN CONTINUE; END IF;
          EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%L) PARTITION BY HASH (%I)',
                         spec.tbl || '_' || suffix, spec.tbl, vendor, spec.k);
          FOR r IN 0 .. spec.n - 1 LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
                           spec.tbl || '_' || suffix || '_p' || r, spec.tbl || '_' || suffix, spec.n, r);
            IF spec.tbl = 'products' THEN
              EXECUTE format('ALTER TABLE %I ALTER COLUMN search_tsv SET STATISTICS 10, ALTER COLUMN title_tsv SET STATISTICS 10',
                             spec.tbl || '_' || suffix || '_p' || r);
            END IF;
          END LOOP;
        END LOOP;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION drop_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE suffix text := replace(vendor::text, '-', '');
      BEGIN
        EXECUTE format('DROP TABLE IF EXISTS %I', 'products_' || suffix);
        EXECUTE format('DROP TABLE IF EXISTS %I', 'customers_' || suffix);
        EXECUTE format('DROP TABLE IF EXISTS %I', 'customer_health_' || suffix);
      END $$`);
    await q.query(`SELECT create_vendor_partitions(id) FROM vendors WHERE status <> 'deleted'`);

    // BMR by Mifflin-St Jeor (1990): 10·kg + 6.25·cm − 5·years + 5 (men) or − 161 (women); the
    // midpoint (− 78) for 'other'. NULL when a measurement is missing.
    await q.query(`
      CREATE FUNCTION mifflin_st_jeor(sex text, weight_kg real, height_cm real, age integer) RETURNS real
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT (10 * weight_kg + 6.25 * height_cm - 5 * age
                + CASE sex WHEN 'male' THEN 5 WHEN 'female' THEN -161 ELSE -78 END)::real
         WHERE weight_kg IS NOT NULL AND height_cm IS NOT NULL AND age IS NOT NULL AND sex IS NOT NULL
      $$`);
    // TDEE multipliers (FAO/WHO/UNU physical activity levels as used with Mifflin-St Jeor).
    await q.query(`
      CREATE FUNCTION activity_factor(level text) RETURNS real
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE level WHEN 'sedentary' THEN 1.2 WHEN 'light' THEN 1.375 WHEN 'moderate' THEN 1.55
                          WHEN 'active' THEN 1.725 WHEN 'very_active' THEN 1.9 ELSE 1.2 END::real
      $$`);
    await q.query(`
      CREATE FUNCTION age_on(birth_date date, age smallint, day date) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(extract(year FROM age(day, birth_date))::integer, age::integer)
      $$`);
    // The vendor's rules for these conditions combined: per nutrient the smallest daily limit wins
    // (two conditions limiting sodium → the stricter one), tags and allergens are unioned, and the
    // per-meal fraction is the smallest given (a third by default).
    await q.query(`
      CREATE FUNCTION derive_limits(vendor uuid, conditions text[]) RETURNS jsonb
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        WITH r AS (SELECT condition_code, policy FROM diet_rules
                    WHERE vendor_id = vendor AND condition_code = ANY(conditions))
        SELECT jsonb_build_object(
          'daily_limits', coalesce((SELECT jsonb_object_agg(key, m) FROM (
              SELECT l.key, min(l.value::numeric) AS m FROM r, jsonb_each_text(r.policy -> 'daily_limits') l
               WHERE l.value ~ '^[0-9]+(\\.[0-9]+)?$' GROUP BY l.key) x), '{}'::jsonb),
          'exclude_tags', coalesce((SELECT jsonb_agg(DISTINCT t ORDER BY t) FROM r,
              jsonb_array_elements_text(coalesce(r.policy -> 'exclude_tags', '[]')) t), '[]'::jsonb),
          'require_tags', coalesce((SELECT jsonb_agg(DISTINCT t ORDER BY t) FROM r,
              jsonb_array_elements_text(coalesce(r.policy -> 'require_tags', '[]')) t), '[]'::jsonb),
          'exclude_allergens', coalesce((SELECT jsonb_agg(DISTINCT t ORDER BY t) FROM r,
              jsonb_array_elements_text(coalesce(r.policy -> 'exclude_allergens', '[]')) t), '[]'::jsonb),
          'per_meal_fraction', coalesce((SELECT min((r.policy ->> 'per_meal_fraction')::numeric) FROM r
              WHERE r.policy ->> 'per_meal_fraction' ~ '^0?\\.[0-9]+$|^1(\\.0+)?$'), 0.3333),
          'conditions', coalesce((SELECT jsonb_agg(condition_code ORDER BY condition_code) FROM r), '[]'::jsonb))
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION derive_limits(uuid, text[])`);
    await q.query(`DROP FUNCTION age_on(date, smallint, date)`);
    await q.query(`DROP FUNCTION activity_factor(text)`);
    await q.query(`DROP FUNCTION mifflin_st_jeor(text, real, real, integer)`);
    await q.query(`DROP FUNCTION seed_default_diet_rules(uuid)`);
    await q.query(`DROP TABLE diet_rule_defaults`);
    await q.query(`DROP TABLE diet_rules`);
    await q.query(`DROP TABLE customer_health`);
    await q.query(`
      CREATE OR REPLACE FUNCTION drop_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE suffix text := replace(vendor::text, '-', '');
      BEGIN
        EXECUTE format('DROP TABLE IF EXISTS %I', 'products_' || suffix);
        EXECUTE format('DROP TABLE IF EXISTS %I', 'customers_' || suffix);
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION create_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        suffix text := replace(vendor::text, '-', '');
        spec record;
      BEGIN
        FOR spec IN SELECT * FROM (VALUES ('products', 16), ('customers', 32)) AS s(tbl, n) LOOP
          EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%L) PARTITION BY HASH (id)',
                         spec.tbl || '_' || suffix, spec.tbl, vendor);
          FOR r IN 0 .. spec.n - 1 LOOP
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)',
                           spec.tbl || '_' || suffix || '_p' || r, spec.tbl || '_' || suffix, spec.n, r);
            IF spec.tbl = 'products' THEN
              EXECUTE format('ALTER TABLE %I ALTER COLUMN search_tsv SET STATISTICS 10, ALTER COLUMN title_tsv SET STATISTICS 10',
                             spec.tbl || '_' || suffix || '_p' || r);
            END IF;
          END LOOP;
        END LOOP;
      END $$`);
    await q.query(`
      ALTER TABLE customers
        ADD COLUMN birth_date date, ADD COLUMN age smallint, ADD COLUMN sex text,
        ADD COLUMN height_cm real, ADD COLUMN weight_kg real, ADD COLUMN activity_level text,
        ADD COLUMN conditions text[] NOT NULL DEFAULT '{}', ADD COLUMN allergies text[] NOT NULL DEFAULT '{}',
        ADD COLUMN dietary_preferences text[] NOT NULL DEFAULT '{}', ADD COLUMN goals text[] NOT NULL DEFAULT '{}',
        ADD COLUMN bmr real, ADD COLUMN tdee real, ADD COLUMN derived_limits jsonb NOT NULL DEFAULT '{}',
        ADD COLUMN derived_at timestamptz`);
    await q.query(`CREATE INDEX customers_conditions ON customers USING gin (conditions)`);
  }
}

/**
 * Default diet rules (daily values for an adult; vendors may change them or add conditions). Each
 * number's source is stored with it.
 */
const DEFAULT_RULES = [
  {
    condition_code: 'hypertension',
    policy: { daily_limits: { sodium_mg: 1500 }, exclude_tags: [], require_tags: [] },
    source:
      'American Heart Association: ideal limit of 1,500 mg sodium per day for most adults, especially with high blood pressure (AHA sodium guidance; 2017 ACC/AHA hypertension guideline).',
  },
  {
    condition_code: 'diabetes',
    policy: { daily_limits: { sugar_g: 25 }, exclude_tags: [], require_tags: [] },
    source:
      'WHO guideline on sugars intake (2015): free sugars below 10 % of energy, ideally below 5 % (about 25 g a day); ADA Standards of Care: minimise added sugars.',
  },
  {
    condition_code: 'ckd',
    policy: { daily_limits: { sodium_mg: 2000, potassium_mg: 2000 }, exclude_tags: [], require_tags: [] },
    source:
      'KDIGO 2012 CKD guideline: sodium below 2 g a day; KDOQI 2020 nutrition guideline: potassium individualised, commonly 2,000–3,000 mg a day in CKD 3–5 (the lower bound used).',
  },
  {
    condition_code: 'celiac',
    policy: {
      daily_limits: {},
      exclude_tags: [],
      require_tags: ['gluten_free'],
      exclude_allergens: ['wheat'],
    },
    source: 'Celiac disease: a strict lifelong gluten-free diet (ACG clinical guideline, 2023).',
  },
  {
    condition_code: 'lactose_intolerance',
    policy: { daily_limits: {}, exclude_tags: [], require_tags: [], exclude_allergens: ['milk'] },
    source:
      'Lactose intolerance: avoid lactose-containing dairy (NIDDK); products declaring milk are left out unless tagged otherwise by the vendor’s own rule.',
  },
  {
    condition_code: 'heart_disease',
    policy: { daily_limits: { saturated_fat_g: 13, sodium_mg: 1500 }, exclude_tags: [], require_tags: [] },
    source:
      'AHA: saturated fat 5–6 % of calories (about 13 g on 2,000 kcal) and sodium 1,500 mg a day for people with cardiovascular disease.',
  },
  {
    condition_code: 'gout',
    policy: { daily_limits: { sugar_g: 50 }, exclude_tags: ['high_purine'], require_tags: [] },
    source:
      'ACR 2020 gout guideline: limit purine-rich foods and high-fructose corn syrup (free sugars under 10 % of energy, about 50 g on 2,000 kcal); products tagged high_purine are left out.',
  },
];

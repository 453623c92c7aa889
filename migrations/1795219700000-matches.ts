import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Product matches walk the catalogue best-first for the customer's goal and stop once they have
 * enough safe products: one expression index per ordering (per vendor partition, with id last for
 * a stable order). The expressions are repeated verbatim in libs/customers' matches repository.
 */
export class Matches1795219700000 implements MigrationInterface {
  name = 'Matches1795219700000';

  async up(q: QueryRunner): Promise<void> {
    // The default per-meal share is exactly a third (0.3333 made a 1 500 mg limit 499.95 mg).
    await q.query(`
      CREATE OR REPLACE FUNCTION derive_limits(vendor uuid, conditions text[]) RETURNS jsonb
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
              WHERE r.policy ->> 'per_meal_fraction' ~ '^0?\\.[0-9]+$|^1(\\.0+)?$'), 1.0 / 3),
          'conditions', coalesce((SELECT jsonb_agg(condition_code ORDER BY condition_code) FROM r), '[]'::jsonb))
      $$`);
    // Protein per 100 kcal (muscle gain, general), protein + fibre per 100 kcal (weight loss).
    await q.query(
      `CREATE INDEX products_protein_density ON products (vendor_id, (coalesce(protein_g, 0) * 100 / greatest(coalesce(calories, 0), 1)) DESC, id)`,
    );
    await q.query(
      `CREATE INDEX products_satiety ON products (vendor_id, ((coalesce(protein_g, 0) + coalesce(fiber_g, 0)) * 100 / greatest(coalesce(calories, 0), 1)) DESC, id)`,
    );
    // Least sugar (blood sugar), least saturated fat + sodium (heart health).
    await q.query(`CREATE INDEX products_low_sugar ON products (vendor_id, (coalesce(sugar_g, 1000)), id)`);
    await q.query(
      `CREATE INDEX products_heart ON products (vendor_id, (coalesce(saturated_fat_g, 100) * 100 + coalesce(sodium_mg, 10000) / 10), id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION derive_limits(vendor uuid, conditions text[]) RETURNS jsonb
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
    await q.query(`DROP INDEX products_heart`);
    await q.query(`DROP INDEX products_low_sugar`);
    await q.query(`DROP INDEX products_satiety`);
    await q.query(`DROP INDEX products_protein_density`);
  }
}

import { ENERGY_FUNCTIONS } from '#libs/energy';

/**
 * The SQL functions the customers lib owns, as they are now: each the exact text PostgreSQL gives back
 * (`pg_get_functiondef`). Migrations create them from here; test/integration/schema-source.spec.ts
 * fails when the database and this file differ. To change one: edit it here and add a migration
 * that runs `createFunctions(q, FUNCTIONS, [name])` (libs/db/src/schema-source.ts).
 */
export const FUNCTIONS: Record<string, string> = {
  // BMR and TDEE: generated from libs/energy, the one definition the calculator uses too
  ...ENERGY_FUNCTIONS,
  age_on: `CREATE OR REPLACE FUNCTION public.age_on(birth_date date, age smallint, day date)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
        SELECT coalesce(extract(year FROM age(day::timestamp, birth_date::timestamp))::integer, age::integer)
      $function$`,
  derive_limits: `CREATE OR REPLACE FUNCTION public.derive_limits(vendor uuid, conditions text[])
 RETURNS jsonb
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
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
      $function$`,
  seed_default_diet_rules: `CREATE OR REPLACE FUNCTION public.seed_default_diet_rules(vendor uuid)
 RETURNS void
 LANGUAGE sql
AS $function$
        INSERT INTO diet_rules (vendor_id, condition_code, policy, source, is_default)
        SELECT vendor, condition_code, policy, source, true FROM diet_rule_defaults
        ON CONFLICT DO NOTHING
      $function$`,
};

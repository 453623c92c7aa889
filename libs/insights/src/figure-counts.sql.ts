// the file itself, not the lib's index: the schema source (insights.functions.ts) is loaded by migrations
import { NUTRIENTS } from '../../catalogue/src/nutrients.js';
import { NO_CURRENCY } from './insights.types.js';

/**
 * The catalogue figures as counts: what each product contributes to its vendor's figures in its
 * category, as rows of (kind, key, currency, value) that are summed. Counts add and subtract, so
 * the figures follow a change from the changed rows alone — a product's old row counted −1, its
 * new row +1 — and a full count over the catalogue gives the same rows (the check).
 *
 * kinds: `products` (one per product; `latest` carries the last change), `missing` (key: a quality
 * field the product leaves empty), `tagged` / `declared` (any diet tag / any allergen), `tag` (key:
 * each distinct diet tag), `allergen` (key: each common allergen the product contains, read
 * through the vocabulary), `fit` (key: [diet types, common allergens] as JSON text), `metric`
 * (key: a benchmark metric, per currency, `value` the product's value to 3 significant figures —
 * its distribution, from which the medians are read).
 */

/** Fields whose absence a vendor should fix: every nutrient matches can limit, serving size and price. */
export const QUALITY_FIELDS = [...NUTRIENTS, 'serving_size_g', 'price_cents'] as const;

/** The product columns a figure is computed from (the change log keeps these of each changed row). */
export const FIGURE_COLUMNS = [
  'category',
  'currency',
  'price_cents',
  'serving_size_g',
  'protein_g',
  'calories',
  'sodium_mg',
  'dietary_tags',
  'allergens',
] as const;

/** The quality fields `alias` leaves empty, as a text[] (the change log stores it per row). */
export const missingFields = (alias: string): string =>
  `array_remove(ARRAY[${QUALITY_FIELDS.map((f) => `CASE WHEN ${alias}.${f} IS NULL THEN '${f}' END`).join(', ')}]::text[], NULL)`;

/** A value to 3 significant figures (0 stays 0): the metric distributions' resolution. */
const threeFigures = (v: string) =>
  `CASE WHEN ${v} = 0 THEN 0::numeric ELSE round((${v})::numeric, 2 - floor(log((${v})::float8))::int) END`;

/**
 * The counts of `source` — rows with vendor_id, sign (+1 / −1), at, `missing` and FIGURE_COLUMNS —
 * per vendor, category ('' for none), kind, key, currency and value. Parameters: $A the allergen
 * aliases and $B the allergen each stands for (allergenAliasPairs), $D the diet types a fit counts.
 */
export function countsSelect(
  source: string,
  params: { alias: string; allergen: string; diets: string },
): string {
  return `SELECT s.vendor_id, coalesce(s.category, '') AS category, k.kind, k.key, k.currency, k.value,
         sum(s.sign)::bigint AS n, max(s.at) FILTER (WHERE k.kind = 'products') AS latest
    FROM ${source} s
    CROSS JOIN LATERAL (
      SELECT ARRAY(SELECT DISTINCT m.allergen FROM unnest(s.allergens) x
                     JOIN unnest(${params.alias}::text[], ${params.allergen}::text[]) m (alias, allergen) ON m.alias = x
                    ORDER BY 1) AS allergens,
             ARRAY(SELECT DISTINCT x FROM unnest(s.dietary_tags) x WHERE x = ANY(${params.diets}::text[]) ORDER BY x) AS diets) c
    CROSS JOIN LATERAL (
      SELECT 'products'::text AS kind, ''::text AS key, ''::text AS currency, 0::numeric AS value
      UNION ALL SELECT 'missing', f, '', 0 FROM unnest(s.missing) f
      UNION ALL SELECT 'tagged', '', '', 0 WHERE cardinality(s.dietary_tags) > 0
      UNION ALL SELECT 'declared', '', '', 0 WHERE cardinality(s.allergens) > 0
      UNION ALL SELECT 'tag', t, '', 0 FROM (SELECT DISTINCT unnest(s.dietary_tags)) u (t)
      UNION ALL SELECT 'allergen', a, '', 0 FROM unnest(c.allergens) a
      UNION ALL SELECT 'fit', jsonb_build_array(c.diets, c.allergens)::text, '', 0
      UNION ALL SELECT 'metric', x.metric, x.currency, ${threeFigures('x.v')}
        FROM (VALUES
          ('price_per_100g', s.currency,
             CASE WHEN s.price_cents IS NOT NULL AND s.serving_size_g > 0
                  THEN (s.price_cents * 100.0 / s.serving_size_g)::float8 END),
          ('price_per_10g_protein', s.currency,
             CASE WHEN s.price_cents IS NOT NULL AND s.protein_g > 0 THEN (s.price_cents * 10.0 / s.protein_g)::float8 END),
          ('protein_per_100kcal', '${NO_CURRENCY}',
             CASE WHEN s.protein_g IS NOT NULL AND s.calories > 0 THEN (s.protein_g * 100.0 / s.calories)::float8 END),
          ('sodium_per_serving', '${NO_CURRENCY}', s.sodium_mg::float8)
        ) x (metric, currency, v)
       WHERE x.v IS NOT NULL AND s.category IS NOT NULL) k
   GROUP BY 1, 2, 3, 4, 5, 6`;
}

/** One vendor's products as a counts source (every row +1, its last update as `at`); $1 the vendor. */
export const CATALOGUE_SOURCE = `(SELECT p.vendor_id, 1 AS sign, p.updated_at AS at, ${missingFields('p')} AS missing,
    ${FIGURE_COLUMNS.map((c) => `p.${c}`).join(', ')}
    FROM catalogue_products p WHERE p.vendor_id = $1)`;

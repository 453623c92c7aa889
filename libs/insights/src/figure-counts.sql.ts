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

/**
 * A value to 3 significant figures (0 stays 0): the metric distributions' resolution. In double
 * precision throughout (a numeric cast per value costs more than the rest of the count): scaled by
 * an exact power of ten, rounded to an integer (ties to even), scaled back.
 */
const threeFigures = (v: string) => {
  const e = `floor(log(${v}))::int`;
  return `CASE WHEN ${v} = 0 THEN 0::float8
    WHEN ${e} >= 2 THEN round(${v} / 10::float8 ^ (${e} - 2)) * 10::float8 ^ (${e} - 2)
    ELSE round(${v} * 10::float8 ^ (2 - ${e})) / 10::float8 ^ (2 - ${e}) END`;
};

/**
 * Each benchmark metric of a product: [metric, currency, value, when it has one]. In double
 * precision (the same values as PostgreSQL's numeric-then-real arithmetic: integers and reals are
 * exact doubles, so the one rounding is the division's).
 */
const METRICS: [string, string, string, string][] = [
  [
    'price_per_100g',
    'currency',
    'price_cents::float8 * 100 / serving_size_g',
    'price_cents IS NOT NULL AND serving_size_g > 0',
  ],
  [
    'price_per_10g_protein',
    'currency',
    'price_cents::float8 * 10 / protein_g',
    'price_cents IS NOT NULL AND protein_g > 0',
  ],
  [
    'protein_per_100kcal',
    `'${NO_CURRENCY}'`,
    'protein_g::float8 * 100 / calories',
    'protein_g IS NOT NULL AND calories > 0',
  ],
  ['sodium_per_serving', `'${NO_CURRENCY}'`, 'sodium_mg::float8', 'sodium_mg IS NOT NULL'],
];

/**
 * The counts of `source` — rows with vendor_id, sign (+1 / −1), at, `missing` and FIGURE_COLUMNS —
 * per vendor, category ('' for none), kind, key, currency and value. Parameters: $A the allergen
 * aliases and $B the allergen each stands for (allergenAliasPairs), $D the diet types a fit counts.
 *
 * Two passes over the source (read once into a narrow tuple store): the products' shapes first —
 * rows grouped by category, tags, allergens and missing fields, which a catalogue has a few
 * thousand of however many products share them — so the vocabulary is applied per shape, not per
 * product; then the metric values, rounded per product.
 */
export function countsSelect(
  source: string,
  params: { alias: string; allergen: string; diets: string },
): string {
  return `WITH s AS MATERIALIZED (SELECT * FROM ${source} src),
    shapes AS (
      SELECT vendor_id, coalesce(category, '') AS category, dietary_tags, allergens, missing,
             sum(sign)::bigint AS n, max(at) AS latest
        FROM s GROUP BY 1, 2, 3, 4, 5),
    aliases AS MATERIALIZED (
      SELECT * FROM unnest(${params.alias}::text[], ${params.allergen}::text[]) m (alias, allergen)),
    allergen_sets AS MATERIALIZED (
      SELECT x.allergens,
             ARRAY(SELECT DISTINCT m.allergen FROM unnest(x.allergens) a JOIN aliases m ON m.alias = a ORDER BY 1) AS common
        FROM (SELECT DISTINCT allergens FROM shapes) x),
    tag_sets AS MATERIALIZED (
      SELECT x.dietary_tags, ARRAY(SELECT DISTINCT unnest(x.dietary_tags)) AS tags,
             ARRAY(SELECT DISTINCT t FROM unnest(x.dietary_tags) t WHERE t = ANY(${params.diets}::text[]) ORDER BY t) AS diets
        FROM (SELECT DISTINCT dietary_tags FROM shapes) x)
    SELECT g.vendor_id, g.category, k.kind, k.key, ''::text AS currency, 0::float8 AS value,
           sum(g.n)::bigint AS n, max(g.latest) FILTER (WHERE k.kind = 'products') AS latest
      FROM shapes g
      JOIN allergen_sets a ON a.allergens = g.allergens
      JOIN tag_sets t ON t.dietary_tags = g.dietary_tags
      CROSS JOIN LATERAL (
        SELECT 'products'::text AS kind, ''::text AS key
        UNION ALL SELECT 'missing', f FROM unnest(g.missing) f
        UNION ALL SELECT 'tagged', '' WHERE cardinality(g.dietary_tags) > 0
        UNION ALL SELECT 'declared', '' WHERE cardinality(g.allergens) > 0
        UNION ALL SELECT 'tag', x FROM unnest(t.tags) x
        UNION ALL SELECT 'allergen', x FROM unnest(a.common) x
        UNION ALL SELECT 'fit', jsonb_build_array(t.diets, a.common)::text) k
     GROUP BY 1, 2, 3, 4
    UNION ALL
    SELECT m.vendor_id, m.category, 'metric', m.metric, m.currency, ${threeFigures('m.v')}, sum(m.sign)::bigint, NULL
      FROM (
        ${METRICS.map(
          ([metric, currency, value, when]) =>
            `SELECT vendor_id, category, sign, '${metric}'::text AS metric, ${currency}::text AS currency, ${value} AS v
               FROM s WHERE category IS NOT NULL AND ${when}`,
        ).join('\n        UNION ALL ')}) m
     GROUP BY 1, 2, 3, 4, 5, 6`;
}

/** One vendor's products as a counts source (every row +1, its last update as `at`); $1 the vendor. */
export const CATALOGUE_SOURCE = `(SELECT p.vendor_id, 1 AS sign, p.updated_at AS at, ${missingFields('p')} AS missing,
    ${FIGURE_COLUMNS.map((c) => `p.${c}`).join(', ')}
    FROM catalogue_products p WHERE p.vendor_id = $1)`;

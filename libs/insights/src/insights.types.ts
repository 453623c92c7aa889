import { allergenExclusions } from '#libs/food-vocabulary';
import type { BENCHMARK_METRICS } from './insights.entities.js';

export type BenchmarkMetric = (typeof BENCHMARK_METRICS)[number];

/** ISO 4217's code for "no currency": the key of the metrics that are not prices. */
export const NO_CURRENCY = 'XXX';

/** Vendors a benchmark figure needs before it is published (fewer could identify one). */
export const MIN_BENCHMARK_VENDORS = 3;

/**
 * Priced products a category needs before a vendor's public directory entry shows its median price
 * there: a vendor's own prices, but with fewer products the "median" is one product's price.
 */
export const MIN_PUBLISHED_MEDIAN_PRODUCTS = 5;

/** Safe products a customer needs to count as covered by a catalogue. */
export const COVERAGE_THRESHOLD = 10;

/** Each metric's unit (the price metrics are kept per currency, the others under NO_CURRENCY). */
export const METRIC_UNITS: Record<BenchmarkMetric, string> = {
  price_per_100g: 'cents per 100 g',
  price_per_10g_protein: 'cents per 10 g of protein',
  protein_per_100kcal: 'g of protein per 100 kcal',
  sodium_per_serving: 'mg per serving',
};

/**
 * [code, allergen] pairs, as the refresh SQL joins them: a product counts as containing an allergen
 * when it declares any code that allergy rules out (allergenExclusions: its group's members, the
 * groups it belongs to, every spelling) — exactly what matches and search exclude.
 */
export function allergenAliasPairs(allergens: readonly string[]): { alias: string[]; allergen: string[] } {
  const pairs = allergens.flatMap((a) => allergenExclusions([a]).map((alias) => [alias, a] as const));
  return { alias: pairs.map(([x]) => x), allergen: pairs.map(([, a]) => a) };
}

/** How many products carry each combination of diet tags and common allergens (jsonb in the stats row). */
export interface DietFitEntry {
  diets: string[];
  allergens: string[];
  products: number;
}

/** vendor_catalogue_stats' jsonb columns, as the refresh writes them. */
export interface CatalogueFigures {
  product_count: number;
  categories: { category: string; products: number }[];
  dietary_tag_share: { tag: string; share: number }[];
  allergen_free_share: { allergen: string; share: number }[];
  protein_price: { category: string; currency: string; median_cents: number; products: number }[];
  diet_fit: DietFitEntry[];
  catalogue_updated_at: Date | null;
  computed_at: Date;
}

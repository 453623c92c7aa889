import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CategoryBenchmark, ReadConnection } from '#libs/db';
import { MIN_BENCHMARK_VENDORS, NO_CURRENCY, type BenchmarkMetric } from './insights.types.js';

export type BenchmarkRow = Omit<CategoryBenchmark, 'metric'> & { metric: BenchmarkMetric };

/**
 * category_benchmarks: quartiles per category, metric and currency over every active vendor's
 * products, rebuilt by one job (one pass over the catalogue) after ingests and hourly. Figures with
 * fewer than MIN_BENCHMARK_VENDORS vendors behind them are stored NULL.
 */
@Injectable()
export class BenchmarksRepository {
  constructor(private readonly db: DataSource) {}

  /** Rebuilds the table in one transaction (readers see the old figures until it commits). */
  async rebuild(): Promise<number> {
    return this.db.transaction(async (m) => {
      await m.query(`DELETE FROM category_benchmarks`);
      const rows = (await m.query(
        `WITH m AS (
           SELECT p.vendor_id, p.category, x.metric, x.currency, x.value
             FROM products p
             JOIN vendors v ON v.id = p.vendor_id AND v.status = 'active'
             CROSS JOIN LATERAL (VALUES
               ('price_per_100g', p.currency,
                  CASE WHEN p.price_cents IS NOT NULL AND p.serving_size_g > 0
                       THEN p.price_cents * 100.0 / p.serving_size_g END),
               ('price_per_10g_protein', p.currency,
                  CASE WHEN p.price_cents IS NOT NULL AND p.protein_g > 0 THEN p.price_cents * 10.0 / p.protein_g END),
               ('protein_per_100kcal', '${NO_CURRENCY}',
                  CASE WHEN p.protein_g IS NOT NULL AND p.calories > 0 THEN p.protein_g * 100.0 / p.calories END),
               ('sodium_per_serving', '${NO_CURRENCY}', p.sodium_mg::float8)
             ) x (metric, currency, value)
            WHERE p.category IS NOT NULL AND x.value IS NOT NULL),
         q AS (
           SELECT category, metric, currency, count(DISTINCT vendor_id)::int AS vendors, count(*)::int AS products,
                  percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY value) AS qs
             FROM m GROUP BY category, metric, currency)
         INSERT INTO category_benchmarks (category, metric, currency, vendors, products, p25, median, p75, computed_at)
         SELECT category, metric, currency, vendors, products,
                CASE WHEN vendors >= $1 THEN qs[1] END, CASE WHEN vendors >= $1 THEN qs[2] END,
                CASE WHEN vendors >= $1 THEN qs[3] END, now()
           FROM q
         RETURNING 1`,
        [MIN_BENCHMARK_VENDORS],
      )) as unknown[];
      return rows.length;
    });
  }

  /** One category's rows for a currency (the price metrics) and the currency-less ones. */
  forCategory(
    run: ReadConnection,
    category: string,
    currency: string,
    metric: BenchmarkMetric | undefined,
  ): Promise<BenchmarkRow[]> {
    return run.query(
      `SELECT category, metric, currency, vendors, products, p25, median, p75, computed_at
         FROM category_benchmarks
        WHERE category = $1 AND currency IN ($2, '${NO_CURRENCY}') AND ($3::text IS NULL OR metric = $3)
        ORDER BY metric`,
      [category, currency, metric ?? null],
    ) as Promise<BenchmarkRow[]>;
  }
}

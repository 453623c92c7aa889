import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, rowsOf, type ReadConnection } from '#libs/db';
import type { CategoryBenchmark } from './insights.entities.js';
import { MIN_BENCHMARK_VENDORS, NO_CURRENCY, type BenchmarkMetric } from './insights.types.js';

export type BenchmarkRow = Omit<CategoryBenchmark, 'metric'> & { metric: BenchmarkMetric };

/**
 * category_benchmarks: quartiles per category, metric and currency across active vendors (one
 * noisy value each), rebuilt by one job from each vendor's stored medians (vendor_category_medians:
 * a few rows per vendor and category, never the catalogue) after ingests, vendor status changes and
 * hourly. Figures with fewer than MIN_BENCHMARK_VENDORS vendors behind them are NULL.
 */
@Injectable()
export class BenchmarksRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Rebuilds the table in one transaction (readers see the old figures until it commits).
   *
   * Disclosure control (README, "Category benchmarks"): each vendor contributes ONE value per
   * category, metric and currency — the median of its own products (of their values to 3
   * significant figures, FigureCountsRepository) — so flooding a category with
   * shaped products moves nothing but its own value; that value is multiplied by the vendor's
   * persistent noise factor (vendor_disclosure_noise, drawn once: 0.80–0.90 or 1.10–1.20) before the
   * quartiles are taken across vendors; and a figure fewer than MIN_BENCHMARK_VENDORS vendors
   * contribute to is stored NULL.
   */
  async rebuild(): Promise<number> {
    return this.db.transaction(async (m) => {
      await execute(
        m,
        `INSERT INTO vendor_disclosure_noise (vendor_id, factor)
         SELECT v.id, CASE WHEN random() < 0.5 THEN 0.9 - random() * 0.1 ELSE 1.1 + random() * 0.1 END
           FROM vendor_directory v WHERE v.status = 'active'
         ON CONFLICT (vendor_id) DO NOTHING`,
      );
      await execute(m, `DELETE FROM category_benchmarks`);
      const rows = await rowsOf(
        m,
        `WITH per_vendor AS (
           SELECT m.vendor_id, m.category, m.metric, m.currency, m.products, m.median * n.factor AS value
             FROM vendor_category_medians m
             JOIN vendor_directory v ON v.id = m.vendor_id AND v.status = 'active'
             JOIN vendor_disclosure_noise n ON n.vendor_id = m.vendor_id),
         q AS (
           SELECT category, metric, currency, count(*)::int AS vendors, sum(products)::int AS products,
                  percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY value) AS qs
             FROM per_vendor GROUP BY category, metric, currency)
         INSERT INTO category_benchmarks (category, metric, currency, vendors, products, p25, median, p75, computed_at)
         SELECT category, metric, currency, vendors, products,
                CASE WHEN vendors >= $1 THEN qs[1] END, CASE WHEN vendors >= $1 THEN qs[2] END,
                CASE WHEN vendors >= $1 THEN qs[3] END, now()
           FROM q
         RETURNING 1`,
        [MIN_BENCHMARK_VENDORS],
      );
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
    return rowsOf<BenchmarkRow>(
      run,
      `SELECT category, metric, currency, vendors, products, p25, median, p75, computed_at
         FROM category_benchmarks
        WHERE category = $1 AND currency IN ($2, '${NO_CURRENCY}') AND ($3::text IS NULL OR metric = $3)
        ORDER BY metric`,
      [category, currency, metric ?? null],
    );
  }
}

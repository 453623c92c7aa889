import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NUTRIENTS } from '#libs/catalogue';
import { execute, firstRow, type ReadConnection, type VendorId } from '#libs/db';
import { type CatalogueAnalytics } from './insights.entities.js';
import type { MatchCoverage } from '#libs/customers';

/** Fields whose absence a vendor should fix: every nutrient matches can limit, serving size and price. */
export const QUALITY_FIELDS = [...NUTRIENTS, 'serving_size_g', 'price_cents'] as const;

export interface DataQuality {
  missing: { field: string; products: number; share: number }[];
}

export interface TagCoverage {
  with_any_tag_share: number;
  with_allergens_declared_share: number;
  tags: { tag: string; products: number; share: number }[];
}

export type AnalyticsRow = Omit<CatalogueAnalytics, 'data_quality' | 'tag_coverage' | 'match_coverage'> & {
  data_quality: DataQuality;
  tag_coverage: TagCoverage;
  match_coverage: MatchCoverage;
};

const share = (n: number, of: number) => (of ? Math.round((n / of) * 10_000) / 10_000 : 0);

/** catalogue_analytics: a vendor's stored figures, and the catalogue side of computing them. */
@Injectable()
export class CatalogueAnalyticsRepository {
  constructor(private readonly db: DataSource) {}

  /** Data quality and tag coverage of the vendor's catalogue, in one pass over its products. */
  async productFigures(
    vendorId: VendorId,
  ): Promise<{ products: number; dataQuality: DataQuality; tagCoverage: TagCoverage }> {
    const row = await firstRow<Record<string, number> & { tags: { tag: string; products: number }[] | null }>(
      this.db,
      `WITH p AS MATERIALIZED (SELECT ${QUALITY_FIELDS.join(', ')}, dietary_tags, allergens
                                 FROM catalogue_products WHERE vendor_id = $1)
       SELECT count(*)::int AS n,
              ${QUALITY_FIELDS.map((f) => `count(*) FILTER (WHERE ${f} IS NULL)::int AS "${f}"`).join(', ')},
              count(*) FILTER (WHERE cardinality(dietary_tags) > 0)::int AS tagged,
              count(*) FILTER (WHERE cardinality(allergens) > 0)::int AS declared,
              (SELECT jsonb_agg(jsonb_build_object('tag', tag, 'products', n) ORDER BY n DESC, tag)
                 FROM (SELECT tag, count(*)::int AS n
                         FROM p, LATERAL (SELECT DISTINCT unnest(p.dietary_tags) AS tag) u
                        GROUP BY tag) t) AS tags
         FROM p`,
      [vendorId],
    );
    const n = row?.n ?? 0;
    return {
      products: n,
      dataQuality: {
        missing: QUALITY_FIELDS.map((f) => ({
          field: f,
          products: row?.[f] ?? 0,
          share: share(row?.[f] ?? 0, n),
        })),
      },
      tagCoverage: {
        with_any_tag_share: share(row?.tagged ?? 0, n),
        with_allergens_declared_share: share(row?.declared ?? 0, n),
        tags: (row?.tags ?? []).map((t) => ({ ...t, share: share(t.products, n) })),
      },
    };
  }

  async save(
    vendorId: VendorId,
    a: { products: number; dataQuality: DataQuality; tagCoverage: TagCoverage; coverage: MatchCoverage },
  ): Promise<void> {
    await execute(
      this.db,
      `INSERT INTO catalogue_analytics AS a (vendor_id, products, customers, data_quality, tag_coverage,
              match_coverage, computed_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (vendor_id) DO UPDATE SET products = EXCLUDED.products, customers = EXCLUDED.customers,
         data_quality = EXCLUDED.data_quality, tag_coverage = EXCLUDED.tag_coverage,
         match_coverage = EXCLUDED.match_coverage, computed_at = EXCLUDED.computed_at`,
      [
        vendorId,
        a.products,
        a.coverage.customers,
        JSON.stringify(a.dataQuality),
        JSON.stringify(a.tagCoverage),
        JSON.stringify(a.coverage),
      ],
    );
  }

  /** The vendor's stored analytics (on the connection given: a replica's or the primary's). */
  async find(run: ReadConnection, vendorId: VendorId): Promise<AnalyticsRow | null> {
    const row = await firstRow<AnalyticsRow>(
      run,
      `SELECT vendor_id, products, customers, data_quality, tag_coverage, match_coverage, computed_at
         FROM catalogue_analytics WHERE vendor_id = $1`,
      [vendorId],
    );
    return row ?? null;
  }
}

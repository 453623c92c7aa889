import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, firstRow, type ReadConnection, type VendorId } from '#libs/db';
import { type CatalogueAnalytics } from './insights.entities.js';
import type { MatchCoverage } from '#libs/customers';

import { QUALITY_FIELDS } from './figure-counts.sql.js';

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

  /** Data quality and tag coverage of the vendor's catalogue, summed from its category counts. */
  async productFigures(
    vendorId: VendorId,
  ): Promise<{ products: number; dataQuality: DataQuality; tagCoverage: TagCoverage }> {
    const row = await firstRow<{
      n: number;
      tagged: number;
      declared: number;
      missing: Record<string, number> | null;
      tags: { tag: string; products: number }[] | null;
    }>(
      this.db,
      `WITH c AS MATERIALIZED (
         SELECT kind, key, sum(n)::int AS n FROM vendor_category_counts
          WHERE vendor_id = $1 AND kind IN ('products', 'missing', 'tagged', 'declared', 'tag') GROUP BY kind, key)
       SELECT coalesce((SELECT n FROM c WHERE kind = 'products'), 0) AS n,
              coalesce((SELECT n FROM c WHERE kind = 'tagged'), 0) AS tagged,
              coalesce((SELECT n FROM c WHERE kind = 'declared'), 0) AS declared,
              (SELECT jsonb_object_agg(key, n) FROM c WHERE kind = 'missing') AS missing,
              (SELECT jsonb_agg(jsonb_build_object('tag', key, 'products', n) ORDER BY n DESC, key)
                 FROM c WHERE kind = 'tag') AS tags`,
      [vendorId],
    );
    const n = row?.n ?? 0;
    return {
      products: n,
      dataQuality: {
        missing: QUALITY_FIELDS.map((f) => ({
          field: f,
          products: row?.missing?.[f] ?? 0,
          share: share(row?.missing?.[f] ?? 0, n),
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

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { execute, rowsOf, type ReadConnection, type VendorId } from '#libs/db';
import type { PublicVendorFields } from '#libs/vendors';
import { MIN_PUBLISHED_MEDIAN_PRODUCTS, type CatalogueFigures } from './insights.types.js';

/** A directory vendor with its derived catalogue figures (null until the first refresh). */
export type VendorWithFigures = PublicVendorFields & {
  figures: Omit<CatalogueFigures, 'diet_fit'> | null;
  /** Products fitting the diet type and allergens asked for (0 without figures or without asking). */
  fitProducts: number;
};

/** Tags listed per vendor (the most common first). */
const TOP_TAGS = 50;

/**
 * vendor_catalogue_stats: one row per vendor, composed from its category counts (and its last
 * completed ingest) by the refresh job.
 */
@Injectable()
export class DirectoryStatsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Composes one vendor's row from its category counts and medians (FigureCountsRepository), in one
   * statement (idempotent): a few rows per category, however large the catalogue.
   */
  async refresh(vendorId: VendorId, allergens: readonly string[]): Promise<void> {
    await execute(
      this.db,
      `WITH c AS MATERIALIZED (
         SELECT category, kind, key, n, latest FROM vendor_category_counts WHERE vendor_id = $1 AND kind <> 'metric'),
       totals AS (
         SELECT coalesce(sum(n) FILTER (WHERE kind = 'products'), 0)::int AS n,
                max(latest) FILTER (WHERE kind = 'products') AS changed FROM c),
       cats AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('category', category, 'products', n)
                                   ORDER BY n DESC, category), '[]') AS j
           FROM (SELECT category, n::int AS n FROM c WHERE kind = 'products' AND category <> '') x),
       tags AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('tag', x.tag, 'share', round(x.n::numeric / t.n, 4))
                                   ORDER BY x.n DESC, x.tag), '[]') AS j
           FROM (SELECT key AS tag, sum(n)::int AS n FROM c WHERE kind = 'tag'
                  GROUP BY key ORDER BY n DESC, tag LIMIT ${TOP_TAGS}) x, totals t),
       free AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('allergen', a,
                          'share', CASE WHEN t.n = 0 THEN 0 ELSE round(1 - coalesce(x.n, 0)::numeric / t.n, 4) END)
                         ORDER BY a), '[]') AS j
           FROM unnest($2::text[]) a
           CROSS JOIN totals t
           LEFT JOIN (SELECT key AS allergen, sum(n)::int AS n FROM c WHERE kind = 'allergen' GROUP BY key) x
             ON x.allergen = a),
       price AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('category', category, 'currency', currency,
                          'median_cents', round(median::numeric, 2), 'products', products)
                          ORDER BY category, currency), '[]') AS j
           FROM vendor_category_medians
          WHERE vendor_id = $1 AND metric = 'price_per_10g_protein' AND products >= ${MIN_PUBLISHED_MEDIAN_PRODUCTS}),
       fit AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('diets', d, 'allergens', a, 'products', n)
                                   ORDER BY n DESC, d, a), '[]') AS j
           FROM (SELECT ARRAY(SELECT jsonb_array_elements_text(key::jsonb -> 0)) AS d,
                        ARRAY(SELECT jsonb_array_elements_text(key::jsonb -> 1)) AS a,
                        sum(n)::int AS n
                   FROM c WHERE kind = 'fit' GROUP BY key) x),
       ingest AS (
         SELECT max(finished_at) AS at FROM ingest_completions WHERE vendor_id = $1)
       INSERT INTO vendor_catalogue_stats AS s (vendor_id, product_count, categories, dietary_tag_share,
              allergen_free_share, protein_price, diet_fit, catalogue_updated_at, computed_at)
       SELECT $1, t.n, cats.j, tags.j, free.j, price.j, fit.j,
              nullif(greatest(coalesce(t.changed, '-infinity'), coalesce(ingest.at, '-infinity')), '-infinity'),
              now()
         FROM totals t, cats, tags, free, price, fit, ingest
       ON CONFLICT (vendor_id) DO UPDATE SET
         product_count = EXCLUDED.product_count, categories = EXCLUDED.categories,
         dietary_tag_share = EXCLUDED.dietary_tag_share, allergen_free_share = EXCLUDED.allergen_free_share,
         protein_price = EXCLUDED.protein_price, diet_fit = EXCLUDED.diet_fit,
         catalogue_updated_at = EXCLUDED.catalogue_updated_at, computed_at = EXCLUDED.computed_at`,
      [vendorId, allergens],
    );
  }

  /**
   * Active vendors by slug with their figures (on the connection given: a replica's or the
   * primary's) and, given a diet type and/or allergens, how many of each one's products fit them —
   * summed in SQL from the stored combinations, so they never travel.
   */
  async bySlugs(
    run: ReadConnection,
    slugs: string[],
    fit?: { dietType?: string; allergens: string[] },
  ): Promise<VendorWithFigures[]> {
    const rows = await rowsOf<
      Omit<VendorWithFigures, 'figures' | 'fitProducts'> &
        Omit<CatalogueFigures, 'diet_fit'> & { derived: boolean; fit_products: number | null }
    >(
      run,
      `SELECT v.slug, v.name, v.category, v.subcategory, v.description, v.website, v.logo_url, v.delivery_regions,
              v.best_for, v.price_level, s.vendor_id IS NOT NULL AS derived, s.product_count, s.categories,
              s.dietary_tag_share, s.allergen_free_share, s.protein_price, s.catalogue_updated_at, s.computed_at,
              CASE WHEN $2 AND s.vendor_id IS NOT NULL THEN
                (SELECT coalesce(sum((e->>'products')::int), 0)::int FROM jsonb_array_elements(s.diet_fit) e
                  WHERE ($3::text IS NULL OR $3 = 'custom' OR e->'diets' ? $3)
                    AND NOT (e->'allergens' ?| $4::text[]))
              END AS fit_products
         FROM vendor_directory v LEFT JOIN vendor_catalogue_stats s ON s.vendor_id = v.id
        WHERE v.slug = ANY($1) AND v.status = 'active'`,
      [slugs, fit !== undefined, fit?.dietType ?? null, fit?.allergens ?? []],
    );
    return rows.map((r) => ({
      slug: r.slug,
      name: r.name,
      category: r.category,
      subcategory: r.subcategory,
      description: r.description,
      website: r.website,
      logo_url: r.logo_url,
      delivery_regions: r.delivery_regions,
      best_for: r.best_for,
      price_level: r.price_level,
      figures: r.derived
        ? {
            product_count: r.product_count,
            categories: r.categories,
            dietary_tag_share: r.dietary_tag_share,
            allergen_free_share: r.allergen_free_share,
            protein_price: r.protein_price,
            catalogue_updated_at: r.catalogue_updated_at,
            computed_at: r.computed_at,
          }
        : null,
      fitProducts: r.fit_products ?? 0,
    }));
  }

  /** Active vendors' ids, for the scheduled refresh. */
  activeVendorIds(): Promise<VendorId[]> {
    return rowsOf<{ id: VendorId }>(
      this.db,
      `SELECT id FROM vendor_directory WHERE status = 'active' ORDER BY id`,
    ).then((rows) => rows.map((r) => r.id));
  }
}

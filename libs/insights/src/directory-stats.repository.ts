import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BEST_FOR_DIETS, firstRow, rowsOf, type ReadConnection, type Vendor, type VendorId } from '#libs/db';
import { allergenAliasPairs, type CatalogueFigures } from './insights.types.js';

/** A directory vendor with its derived catalogue figures (null until the first refresh). */
export type VendorWithFigures = Pick<
  Vendor,
  | 'slug'
  | 'name'
  | 'category'
  | 'description'
  | 'website'
  | 'logo_url'
  | 'delivery_regions'
  | 'best_for'
  | 'price_level'
> & { figures: CatalogueFigures | null };

/** Tags listed per vendor (the most common first). */
const TOP_TAGS = 50;

/**
 * vendor_catalogue_stats: one row per vendor, derived from its products (and its last completed
 * ingest) by the refresh job. Each statement reads only that vendor's partitions.
 */
@Injectable()
export class DirectoryStatsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Recomputes one vendor's row from its catalogue, in one statement (idempotent). Product
   * allergens are read through ALLERGEN_ALIASES (`milk` counts as dairy).
   */
  async refresh(vendorId: VendorId, allergens: readonly string[]): Promise<void> {
    const aliases = allergenAliasPairs(allergens);
    await this.db.query(
      `WITH p AS MATERIALIZED (
         SELECT category, price_cents, currency, protein_g, dietary_tags, updated_at,
                ARRAY(SELECT DISTINCT m.allergen FROM unnest(products.allergens) x
                        JOIN unnest($4::text[], $5::text[]) m (alias, allergen) ON m.alias = x
                       ORDER BY 1) AS allergens
           FROM products WHERE vendor_id = $1),
       totals AS (SELECT count(*)::int AS n, max(updated_at) AS changed FROM p),
       cats AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('category', category, 'products', n)
                                   ORDER BY n DESC, category), '[]') AS j
           FROM (SELECT category, count(*)::int AS n FROM p WHERE category IS NOT NULL GROUP BY category) c),
       tags AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('tag', x.tag, 'share', round(x.n::numeric / t.n, 4))
                                   ORDER BY x.n DESC, x.tag), '[]') AS j
           FROM (SELECT tag, count(*)::int AS n FROM p, LATERAL (SELECT DISTINCT unnest(p.dietary_tags) AS tag) u
                  GROUP BY tag ORDER BY n DESC, tag LIMIT ${TOP_TAGS}) x, totals t),
       free AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('allergen', a,
                          'share', CASE WHEN t.n = 0 THEN 0 ELSE round(1 - coalesce(c.n, 0)::numeric / t.n, 4) END)
                         ORDER BY a), '[]') AS j
           FROM unnest($2::text[]) a
           CROSS JOIN totals t
           LEFT JOIN (SELECT x AS allergen, count(*)::int AS n FROM p, unnest(p.allergens) x
                       GROUP BY x) c ON c.allergen = a),
       price AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('category', category, 'currency', currency,
                          'median_cents', round(m::numeric, 2), 'products', n) ORDER BY category, currency), '[]') AS j
           FROM (SELECT category, currency, count(*)::int AS n,
                        percentile_cont(0.5) WITHIN GROUP (ORDER BY price_cents * 10.0 / protein_g) AS m
                   FROM p WHERE category IS NOT NULL AND price_cents IS NOT NULL AND protein_g > 0
                  GROUP BY category, currency) x),
       fit AS (
         SELECT coalesce(jsonb_agg(jsonb_build_object('diets', d, 'allergens', a, 'products', n)
                                   ORDER BY n DESC, d, a), '[]') AS j
           FROM (SELECT ARRAY(SELECT DISTINCT x FROM unnest(p.dietary_tags) x WHERE x = ANY($3) ORDER BY x) AS d,
                        p.allergens AS a,
                        count(*)::int AS n
                   FROM p GROUP BY 1, 2) x),
       ingest AS (
         SELECT max(finished_at) AS at FROM ingest_jobs WHERE vendor_id = $1 AND status = 'completed')
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
      [vendorId, allergens, BEST_FOR_DIETS, aliases.alias, aliases.allergen],
    );
  }

  /** Active vendors by slug with their figures (on the connection given: a replica's or the primary's). */
  async bySlugs(run: ReadConnection, slugs: string[]): Promise<VendorWithFigures[]> {
    const rows = (await run.query(
      `SELECT v.slug, v.name, v.category, v.description, v.website, v.logo_url, v.delivery_regions, v.best_for,
              v.price_level,
              CASE WHEN s.vendor_id IS NULL THEN NULL ELSE jsonb_build_object(
                'product_count', s.product_count, 'categories', s.categories,
                'dietary_tag_share', s.dietary_tag_share, 'allergen_free_share', s.allergen_free_share,
                'protein_price', s.protein_price, 'diet_fit', s.diet_fit,
                'catalogue_updated_at', s.catalogue_updated_at, 'computed_at', s.computed_at) END AS figures
         FROM vendors v LEFT JOIN vendor_catalogue_stats s ON s.vendor_id = v.id
        WHERE v.slug = ANY($1) AND v.status = 'active'`,
      [slugs],
    )) as (Omit<VendorWithFigures, 'figures'> & { figures: Record<string, unknown> | null })[];
    return rows.map((r) => ({
      ...r,
      figures: r.figures && {
        ...(r.figures as unknown as CatalogueFigures),
        catalogue_updated_at: r.figures.catalogue_updated_at
          ? new Date(r.figures.catalogue_updated_at as string)
          : null,
        computed_at: new Date(r.figures.computed_at as string),
      },
    }));
  }

  /** Active vendors' ids, for the scheduled refresh. */
  activeVendorIds(): Promise<VendorId[]> {
    return rowsOf<{ id: VendorId }>(
      this.db,
      `SELECT id FROM vendors WHERE status = 'active' ORDER BY id`,
    ).then((rows) => rows.map((r) => r.id));
  }

  /** When the vendor's figures were last computed (null: never). */
  async computedAt(vendorId: VendorId): Promise<Date | null> {
    const row = await firstRow<{ computed_at: Date }>(
      this.db,
      `SELECT computed_at FROM vendor_catalogue_stats WHERE vendor_id = $1`,
      [vendorId],
    );
    return row?.computed_at ?? null;
  }
}

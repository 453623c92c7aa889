import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tenant table this migration adds, under the same row-level security as the others. */
export const INSIGHTS_TENANT_TABLES = ['catalogue_analytics'] as const;

/**
 * The directory's chooser fields and the figures behind compare, benchmarks and analytics.
 *
 * - vendors gain what a vendor edits about itself for shoppers: delivery regions (ISO 3166 codes),
 *   the calculator's diet types it is best for, and a price level 1–4.
 * - vendor_catalogue_stats: one row per vendor, derived from its catalogue by a job (after each
 *   ingest, after product writes, hourly) — never per request. Public (the directory shows it), so
 *   no row-level security; small and global, a reference table when distributed.
 * - category_benchmarks: per category, metric and currency (`XXX`, ISO 4217's "no currency", for
 *   the metrics without one), quartiles across every active vendor's products; the figures are
 *   stored NULL when fewer than 3 vendors contribute, so no single vendor can be read from them.
 * - catalogue_analytics: one row per vendor — data quality, tag coverage and how many of its
 *   customers have enough safe products — private to the vendor (row-level security).
 */
export class DirectoryInsights1795220900000 implements MigrationInterface {
  name = 'DirectoryInsights1795220900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE vendors
        ADD COLUMN delivery_regions text[] NOT NULL DEFAULT '{}'
          CHECK (cardinality(delivery_regions) <= 50),
        ADD COLUMN best_for text[] NOT NULL DEFAULT '{}'
          CHECK (best_for <@ ARRAY['carnivore', 'keto', 'paleo', 'custom']::text[]),
        ADD COLUMN price_level smallint CHECK (price_level BETWEEN 1 AND 4)`);
    await q.query(`
      CREATE TABLE vendor_catalogue_stats (
        vendor_id            uuid        PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
        product_count        integer     NOT NULL,
        categories           jsonb       NOT NULL,
        dietary_tag_share    jsonb       NOT NULL,
        allergen_free_share  jsonb       NOT NULL,
        protein_price        jsonb       NOT NULL,
        diet_fit             jsonb       NOT NULL,
        catalogue_updated_at timestamptz,
        computed_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE category_benchmarks (
        category    text        NOT NULL,
        metric      text        NOT NULL CHECK (metric IN
                      ('price_per_100g', 'price_per_10g_protein', 'protein_per_100kcal', 'sodium_per_serving')),
        currency    text        NOT NULL,
        vendors     integer     NOT NULL,
        products    integer     NOT NULL,
        p25         double precision,
        median      double precision,
        p75         double precision,
        computed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (category, metric, currency)
      )`);
    await q.query(`
      CREATE TABLE catalogue_analytics (
        vendor_id      uuid        PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
        products       integer     NOT NULL,
        customers      integer     NOT NULL,
        data_quality   jsonb       NOT NULL,
        tag_coverage   jsonb       NOT NULL,
        match_coverage jsonb       NOT NULL,
        computed_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`SELECT grant_application_roles()`);
    for (const table of INSIGHTS_TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table} TO nrp_app
          USING (vendor_id = app_vendor_id()) WITH CHECK (vendor_id = app_vendor_id())`);
      await q.query(`CREATE POLICY platform_all ON ${table} TO nrp_platform USING (true) WITH CHECK (true)`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE catalogue_analytics`);
    await q.query(`DROP TABLE category_benchmarks`);
    await q.query(`DROP TABLE vendor_catalogue_stats`);
    await q.query(
      `ALTER TABLE vendors DROP COLUMN price_level, DROP COLUMN best_for, DROP COLUMN delivery_regions`,
    );
  }
}

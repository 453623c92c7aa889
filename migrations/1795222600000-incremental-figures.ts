import { MigrationInterface, QueryRunner } from 'typeorm';
// the source files themselves, not the libs' indexes: data sources load the migrations
import { createFunctions } from '../libs/db/src/schema-source.js';
import { FUNCTIONS } from '../libs/schema/src/published.js';

/** The insights tables this migration adds: the worker's alone (the api's role sees no row). */
const WORKER_TABLES = [
  'catalogue_figure_changes',
  'vendor_category_counts',
  'vendor_category_medians',
  'vendor_figure_state',
] as const;

/**
 * The catalogue figures (directory stats, analytics, benchmarks) follow what changed instead of
 * re-reading every product after every ingest:
 * - catalogue_figure_changes: statement triggers on `products` append each changed row (old
 *   values −1, new +1) — written by the trigger function as its owner;
 * - vendor_category_counts: per vendor and category, the counts the figures are composed from
 *   (products, missing fields, tags, allergens, diet fits, metric values to 3 significant figures),
 *   to which the figures job adds what the log holds;
 * - vendor_category_medians: each vendor's medians per category, metric and currency, recomputed
 *   for the categories a change touched (the benchmarks' input, a few rows per vendor);
 * - vendor_figure_state: when a vendor's counts were rebuilt from its catalogue and on what basis.
 * Existing vendors have no state row: their first refresh rebuilds their counts.
 */
export class IncrementalFigures1795222600000 implements MigrationInterface {
  name = 'IncrementalFigures1795222600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE catalogue_figure_changes (
        vendor_id      uuid        NOT NULL,
        seq            bigint      GENERATED ALWAYS AS IDENTITY,
        sign           smallint    NOT NULL,
        at             timestamptz NOT NULL,
        missing        text[]      NOT NULL,
        category       text,
        currency       text        NOT NULL,
        price_cents    integer,
        serving_size_g real,
        protein_g      real,
        calories       real,
        sodium_mg      real,
        dietary_tags   text[]      NOT NULL,
        allergens      text[]      NOT NULL,
        PRIMARY KEY (vendor_id, seq)
      )`);
    await q.query(`
      CREATE TABLE vendor_category_counts (
        vendor_id uuid        NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
        category  text        NOT NULL,
        kind      text        NOT NULL CHECK (kind IN
                    ('products', 'missing', 'tagged', 'declared', 'tag', 'allergen', 'fit', 'metric')),
        key       text        NOT NULL,
        currency  text        NOT NULL,
        value     float8      NOT NULL,
        n         bigint      NOT NULL,
        latest    timestamptz,
        PRIMARY KEY (vendor_id, category, kind, key, currency, value)
      )`);
    await q.query(`
      CREATE TABLE vendor_category_medians (
        vendor_id uuid             NOT NULL REFERENCES vendors (id) ON DELETE CASCADE,
        category  text             NOT NULL,
        metric    text             NOT NULL CHECK (metric IN
                    ('price_per_100g', 'price_per_10g_protein', 'protein_per_100kcal', 'sodium_per_serving')),
        currency  text             NOT NULL,
        products  integer          NOT NULL,
        median    double precision NOT NULL,
        PRIMARY KEY (vendor_id, category, metric, currency)
      )`);
    await q.query(`
      CREATE TABLE vendor_figure_state (
        vendor_id  uuid        PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
        basis      text        NOT NULL,
        rebuilt_at timestamptz NOT NULL,
        folded_at  timestamptz
      )`);
    await q.query(`SELECT grant_application_roles()`);
    for (const table of WORKER_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`CREATE POLICY tenant_isolation ON ${table} TO nrp_app USING (false) WITH CHECK (false)`);
      await q.query(`CREATE POLICY platform_all ON ${table} TO nrp_platform USING (true) WITH CHECK (true)`);
    }
    await createFunctions(q, FUNCTIONS.insights!, { record_catalogue_figure_changes: '1be4eb5560e3' });
    await q.query(`
      CREATE TRIGGER products_figures_insert AFTER INSERT ON products
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION record_catalogue_figure_changes()`);
    await q.query(`
      CREATE TRIGGER products_figures_update AFTER UPDATE ON products
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION record_catalogue_figure_changes()`);
    await q.query(`
      CREATE TRIGGER products_figures_delete AFTER DELETE ON products
        REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION record_catalogue_figure_changes()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const op of ['insert', 'update', 'delete'])
      await q.query(`DROP TRIGGER IF EXISTS products_figures_${op} ON products`);
    await q.query(`DROP FUNCTION IF EXISTS record_catalogue_figure_changes()`);
    for (const table of [...WORKER_TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}

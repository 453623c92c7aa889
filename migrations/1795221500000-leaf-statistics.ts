import { MigrationInterface, QueryRunner } from 'typeorm';

/** create_vendor_partitions as of 1795221400000, with `leafSetup` run for each new leaf `%s` (regclass text). */
const body = (leafSetup: string) => `
  DECLARE
    suffix text := replace(vendor::text, '-', '');
    spec record;
  BEGIN
    FOR spec IN SELECT * FROM (VALUES ('products', 16, 'id'), ('customers', 32, 'id'),
                                      ('customer_health', 32, 'customer_id')) AS s(tbl, n, k) LOOP
      IF to_regclass(spec.tbl || '_' || suffix) IS NOT NULL THEN CONTINUE; END IF;
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES IN (%L) PARTITION BY HASH (%I)',
                     spec.tbl || '_' || suffix, spec.tbl, vendor, spec.k);
      FOR r IN 0 .. spec.n - 1 LOOP
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES WITH (MODULUS %s, REMAINDER %s)%s',
                       spec.tbl || '_' || suffix || '_p' || r, spec.tbl || '_' || suffix, spec.n, r,
                       CASE WHEN spec.tbl = 'products' THEN ' WITH (fillfactor = 85)' ELSE '' END);${leafSetup}
      END LOOP;
    END LOOP;
  END`;

const BEFORE = `
        IF spec.tbl = 'products' THEN
          EXECUTE format('ALTER TABLE %I ALTER COLUMN search_tsv SET STATISTICS 10, ALTER COLUMN title_tsv SET STATISTICS 10',
                         spec.tbl || '_' || suffix || '_p' || r);
        END IF;
        IF spec.tbl = 'customer_health' THEN
          EXECUTE format('ALTER TABLE %I ALTER COLUMN derived_limits SET STATISTICS 0', spec.tbl || '_' || suffix || '_p' || r);
        END IF;`;

const AFTER = `
        PERFORM set_leaf_statistics(format('%I', spec.tbl || '_' || suffix || '_p' || r)::regclass);`;

/** Every leaf of the vendor-partitioned tables the catalogue and customers live in. */
const LEAVES = `SELECT c.oid::regclass FROM pg_inherits i
                  JOIN pg_class c ON c.oid = i.inhrelid
                  JOIN pg_inherits up ON up.inhrelid = i.inhparent
                 WHERE up.inhparent IN ('products'::regclass, 'customers'::regclass, 'customer_health'::regclass)
                   AND c.relkind = 'r'`;

/**
 * Planner statistics from a sample of 9 000 rows per leaf instead of 30 000: statistics target 30
 * on every column and index expression of a catalogue or customers leaf (the full-text vectors keep
 * 10, `derived_limits` 0). ANALYZE samples 300 rows per unit of the largest target among a
 * leaf's columns and expression-index columns, and its time is the per-column work on the sample:
 * 11 s for a 1 M-product catalogue at the default target (100), 2.5 s at 30 — paid after every
 * first load, by a re-ingest that changed a fifth of the rows, and by autovacuum. A leaf holds
 * ~60 000 rows of one vendor (16 or 32 per vendor), and what its statistics serve — twelve-odd
 * categories, tag and allergen frequencies, nutrient ranges, unique keys — is as well described
 * by 9 000 rows (30 most common values, 30 histogram buckets, 300 array elements).
 *
 * `set_leaf_statistics(leaf)` sets them; it runs for existing leaves now, for new vendors' leaves
 * in create_vendor_partitions (re-created with its SECURITY DEFINER and search_path), and for a
 * first load's leaves in the ingestion pipeline once their indexes exist.
 */
export class LeafStatistics1795221500000 implements MigrationInterface {
  name = 'LeafStatistics1795221500000';

  async up(q: QueryRunner): Promise<void> {
    // `target` -1 puts back the default (down)
    await q.query(`
      CREATE FUNCTION set_leaf_statistics(leaf regclass, target integer DEFAULT 30) RETURNS void LANGUAGE plpgsql
        SET search_path = public, pg_temp AS $$
      DECLARE
        columns text;
        expr record;
      BEGIN
        SELECT string_agg(format('ALTER COLUMN %I SET STATISTICS %s', a.attname,
                 CASE WHEN a.atttypid = 'tsvector'::regtype THEN 10
                      WHEN a.attname = 'derived_limits' THEN 0
                      ELSE target END), ', ' ORDER BY a.attnum)
          INTO columns
          FROM pg_attribute a WHERE a.attrelid = leaf AND a.attnum > 0 AND NOT a.attisdropped;
        EXECUTE format('ALTER TABLE %s %s', leaf, columns);
        FOR expr IN
          SELECT x.indexrelid::regclass AS index, k + 1 AS column
            FROM pg_index x, generate_subscripts(x.indkey, 1) k
           WHERE x.indrelid = leaf AND x.indkey[k] = 0
        LOOP
          EXECUTE format('ALTER INDEX %s ALTER COLUMN %s SET STATISTICS %s', expr.index, expr.column, target);
        END LOOP;
      END $$`);
    await q.query(`REVOKE EXECUTE ON FUNCTION set_leaf_statistics(regclass, integer) FROM PUBLIC`);
    await q.query(`
      CREATE OR REPLACE FUNCTION create_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$${body(AFTER)}$$`);
    await this.setOnLeaves(q, 30);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION create_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$${body(BEFORE)}$$`);
    await this.setOnLeaves(q, -1);
    await q.query(`DROP FUNCTION set_leaf_statistics(regclass, integer)`);
  }

  private async setOnLeaves(q: QueryRunner, target: number): Promise<void> {
    await q.query(`
      DO $$
      DECLARE leaf regclass;
      BEGIN
        FOR leaf IN ${LEAVES} LOOP
          PERFORM set_leaf_statistics(leaf, ${target});
        END LOOP;
      END $$`);
  }
}

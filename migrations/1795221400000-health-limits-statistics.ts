import { MigrationInterface, QueryRunner } from 'typeorm';

/** create_vendor_partitions as of 1795221100000, with `extra` run for each customer_health leaf `%I`. */
const body = (healthLeafSetup: string) => `
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
                       CASE WHEN spec.tbl = 'products' THEN ' WITH (fillfactor = 85)' ELSE '' END);
        IF spec.tbl = 'products' THEN
          EXECUTE format('ALTER TABLE %I ALTER COLUMN search_tsv SET STATISTICS 10, ALTER COLUMN title_tsv SET STATISTICS 10',
                         spec.tbl || '_' || suffix || '_p' || r);
        END IF;${healthLeafSetup}
      END LOOP;
    END LOOP;
  END`;

const NO_LIMITS_STATISTICS = `
        IF spec.tbl = 'customer_health' THEN
          EXECUTE format('ALTER TABLE %I ALTER COLUMN derived_limits SET STATISTICS 0', spec.tbl || '_' || suffix || '_p' || r);
        END IF;`;

/**
 * No planner statistics for `customer_health.derived_limits`. No query filters or joins on the
 * jsonb, and the one that groups by it groups by `conditions` too (the limits are a function of
 * the conditions), yet sampling it — 30 000 jsonb values sorted per leaf — was two thirds of
 * ANALYZE's time on the table (8.3 of 12.9 s for 1 M customers), paid after every customers
 * import and by autovacuum. Statistics targets are per leaf: existing leaves now, new vendors'
 * leaves from create_vendor_partitions (re-created with its SECURITY DEFINER and search_path),
 * a first load's leaves from the ingestion pipeline (LoadTree.leafSetup).
 */
export class HealthLimitsStatistics1795221400000 implements MigrationInterface {
  name = 'HealthLimitsStatistics1795221400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION create_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$${body(NO_LIMITS_STATISTICS)}$$`);
    await this.setOnLeaves(q, 0);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION create_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$${body('')}$$`);
    await this.setOnLeaves(q, -1);
  }

  private async setOnLeaves(q: QueryRunner, target: number): Promise<void> {
    await q.query(`
      DO $$
      DECLARE leaf regclass;
      BEGIN
        FOR leaf IN
          SELECT c.oid::regclass FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_inherits up ON up.inhrelid = i.inhparent
           WHERE up.inhparent = 'customer_health'::regclass AND c.relkind = 'r'
        LOOP
          EXECUTE format('ALTER TABLE %s ALTER COLUMN derived_limits SET STATISTICS ${target}', leaf);
        END LOOP;
      END $$`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

const body = (productLeafOptions: string) => `
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
                       CASE WHEN spec.tbl = 'products' THEN '${productLeafOptions}' ELSE '' END);
        IF spec.tbl = 'products' THEN
          EXECUTE format('ALTER TABLE %I ALTER COLUMN search_tsv SET STATISTICS 10, ALTER COLUMN title_tsv SET STATISTICS 10',
                         spec.tbl || '_' || suffix || '_p' || r);
        END IF;
      END LOOP;
    END LOOP;
  END`;

/**
 * Product leaves keep 15 % of each page free (fillfactor 85), as a first load's leaves already do:
 * a re-ingest that changes prices or stock then updates rows in place (HOT, no index touched).
 * New vendors' leaves get it from create_vendor_partitions (re-created with its SECURITY DEFINER
 * and search_path, which CREATE OR REPLACE would otherwise reset); existing leaves get the setting
 * now, which applies to the pages written from here on (a rewrite — the vendor's next first load,
 * or VACUUM FULL — gives the room to the rest).
 */
export class ProductFillfactor1795221100000 implements MigrationInterface {
  name = 'ProductFillfactor1795221100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION create_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$${body(' WITH (fillfactor = 85)')}$$`);
    await q.query(`
      DO $$
      DECLARE leaf regclass;
      BEGIN
        FOR leaf IN
          SELECT c.oid::regclass FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_inherits up ON up.inhrelid = i.inhparent
           WHERE up.inhparent = 'products'::regclass AND c.relkind = 'r'
        LOOP
          EXECUTE format('ALTER TABLE %s SET (fillfactor = 85)', leaf);
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION create_vendor_partitions(vendor uuid) RETURNS void LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$${body('')}$$`);
  }
}

/**
 * The SQL functions the db lib owns, as they are now: each the exact text PostgreSQL gives back
 * (`pg_get_functiondef`). Migrations create them from here; test/integration/schema-source.spec.ts
 * fails when the database and this file differ. To change one: edit it here and add a migration
 * that runs `createFunctions(q, FUNCTIONS, [name])` (libs/db/src/schema-source.ts).
 */
export const FUNCTIONS: Record<string, string> = {
  app_vendor_id: `CREATE OR REPLACE FUNCTION public.app_vendor_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$
        SELECT NULLIF(current_setting('app.vendor_id', true), '')::uuid
      $function$`,
  grant_application_roles: `CREATE OR REPLACE FUNCTION public.grant_application_roles()
 RETURNS void
 LANGUAGE plpgsql
AS $function$
      DECLARE t regclass;
      BEGIN
        -- tables and partitioned parents, never partitions: a leaf read directly would skip the
        -- parent's policies
        FOR t IN
          SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
             AND c.relname <> 'schema_migrations'
        LOOP
          EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO nrp_app, nrp_platform', t);
        END LOOP;
        FOR t IN
          SELECT c.oid::regclass FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relispartition
        LOOP
          EXECUTE format('REVOKE ALL ON %s FROM nrp_app, nrp_platform', t);
        END LOOP;
        GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO nrp_app, nrp_platform;
      END $function$`,
  set_updated_at: `CREATE OR REPLACE FUNCTION public.set_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        NEW.updated_at := now();
        RETURN NEW;
      END $function$`,
  set_leaf_statistics: `CREATE OR REPLACE FUNCTION public.set_leaf_statistics(leaf regclass, target integer DEFAULT 30)
 RETURNS void
 LANGUAGE plpgsql
 SET search_path TO 'public', 'pg_temp'
AS $function$
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
          SELECT x.indexrelid::regclass AS index, k + 1 AS column,
                 (SELECT o.opcintype FROM pg_opclass o WHERE o.oid = x.indclass[k]) = 'tsvector'::regtype AS words
            FROM pg_index x, generate_subscripts(x.indkey, 1) k
           WHERE x.indrelid = leaf AND x.indkey[k] = 0
        LOOP
          EXECUTE format('ALTER INDEX %s ALTER COLUMN %s SET STATISTICS %s', expr.index, expr.column,
                         CASE WHEN expr.words THEN 10 ELSE target END);
        END LOOP;
      END $function$`,
  create_vendor_partitions: `CREATE OR REPLACE FUNCTION public.create_vendor_partitions(vendor uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
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
        PERFORM set_leaf_statistics(format('%I', spec.tbl || '_' || suffix || '_p' || r)::regclass);
      END LOOP;
    END LOOP;
  END$function$`,
  drop_vendor_partitions: `CREATE OR REPLACE FUNCTION public.drop_vendor_partitions(vendor uuid)
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      DECLARE suffix text := replace(vendor::text, '-', '');
      BEGIN
        EXECUTE format('DROP TABLE IF EXISTS %I', 'products_' || suffix);
        EXECUTE format('DROP TABLE IF EXISTS %I', 'customers_' || suffix);
        EXECUTE format('DROP TABLE IF EXISTS %I', 'customer_health_' || suffix);
      END $function$`,
};

import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every table holding one vendor's rows (a `vendor_id` column), guarded by row-level security. */
export const TENANT_TABLES = [
  'vendor_api_keys',
  'products',
  'customers',
  'customer_health',
  'diet_rules',
  'webhook_endpoints',
  'webhook_events',
  'webhook_deliveries',
  'ingest_feeds',
  'ingest_jobs',
  'audit_log',
  'vault_secrets',
] as const;

/**
 * The database enforces tenant isolation as well as the repositories (row-level security):
 * - `nrp_app`: the role the api's sessions run as. It owns nothing, has no BYPASSRLS, and sees a
 *   vendor-scoped table's rows only where `vendor_id = app_vendor_id()`, the vendor set for the
 *   current transaction (`set_config('app.vendor_id', …, true)`); with none set, it sees none.
 * - `nrp_platform`: the narrow role for the api's one cross-vendor path, the platform admin's vendor
 *   lifecycle: DML on the same tables, every row, no ownership, no DDL. (API-key authentication,
 *   before the vendor is known, is the SECURITY DEFINER function authenticate_api_key.)
 * The owner (migrations, and the worker, whose jobs are cross-vendor and build partitions) is
 * unaffected. Partition DDL the platform admin triggers runs in SECURITY DEFINER functions.
 * Roles are cluster-wide: created only when missing.
 */
export class RowLevelSecurity1795220100000 implements MigrationInterface {
  name = 'RowLevelSecurity1795220100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nrp_app') THEN
          CREATE ROLE nrp_app NOLOGIN NOBYPASSRLS;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nrp_platform') THEN
          CREATE ROLE nrp_platform NOLOGIN NOBYPASSRLS;
        END IF;
      END $$`);
    // the login that runs the api must be able to become them
    await q.query(`GRANT nrp_app, nrp_platform TO CURRENT_USER`);
    await q.query(`
      CREATE FUNCTION app_vendor_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT NULLIF(current_setting('app.vendor_id', true), '')::uuid
      $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO nrp_app, nrp_platform`);
    await q.query(`
      CREATE FUNCTION grant_application_roles() RETURNS void LANGUAGE plpgsql AS $$
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
      END $$`);
    await q.query(`SELECT grant_application_roles()`);
    for (const table of TENANT_TABLES) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(`
        CREATE POLICY tenant_isolation ON ${table} TO nrp_app
          USING (vendor_id = app_vendor_id()) WITH CHECK (vendor_id = app_vendor_id())`);
      await q.query(`CREATE POLICY platform_all ON ${table} TO nrp_platform USING (true) WITH CHECK (true)`);
    }
    // Under row-level security the planner may use a WHERE clause as an index condition ahead of
    // the policy only when its function is LEAKPROOF; the full-text match and the array tests our
    // search and matches use are not marked so in PostgreSQL, which turned every catalogue search
    // into a scan of the vendor's partitions (measured: p50 7.6 → 85.7 ms). They raise no
    // data-dependent errors and have no side effects, so they are marked here — which needs a
    // superuser; elsewhere isolation still holds, only slower (see the README).
    await q.query(`
      DO $$
      BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) LEAKPROOF;
          ALTER FUNCTION pg_catalog.arraycontains(anyarray, anyarray) LEAKPROOF;
          ALTER FUNCTION pg_catalog.arraycontained(anyarray, anyarray) LEAKPROOF;
          ALTER FUNCTION pg_catalog.arrayoverlap(anyarray, anyarray) LEAKPROOF;
        ELSE
          RAISE WARNING 'not a superuser: full-text and array conditions are not LEAKPROOF, so searches under row-level security scan instead of using their indexes';
        END IF;
      END $$`);
    // API-key authentication happens before the vendor is known: nrp_app may look up exactly the
    // key whose hash it presents (and mark it used, at most once a minute), nothing else. A
    // function rather than the platform role, so an authenticated request never switches role.
    await q.query(`
      CREATE FUNCTION authenticate_api_key(hash text)
        RETURNS TABLE (id uuid, vendor_id uuid, role text, revoked_at timestamptz, vendor_status text)
        LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        WITH touched AS (
          UPDATE vendor_api_keys k SET last_used_at = now()
           WHERE k.key_hash = hash AND k.revoked_at IS NULL
             AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'))
        SELECT k.id, k.vendor_id, k.role, k.revoked_at, v.status
          FROM vendor_api_keys k JOIN vendors v ON v.id = k.vendor_id
         WHERE k.key_hash = hash
      $$`);
    await q.query(`REVOKE EXECUTE ON FUNCTION authenticate_api_key(text) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION authenticate_api_key(text) TO nrp_app, nrp_platform`);
    // DDL started by the platform admin (a vendor's partitions) runs with the owner's rights
    for (const fn of ['create_vendor_partitions(uuid)', 'drop_vendor_partitions(uuid)']) {
      await q.query(`ALTER FUNCTION ${fn} SECURITY DEFINER SET search_path = public, pg_temp`);
      await q.query(`REVOKE EXECUTE ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO nrp_platform`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) NOT LEAKPROOF;
          ALTER FUNCTION pg_catalog.arraycontains(anyarray, anyarray) NOT LEAKPROOF;
          ALTER FUNCTION pg_catalog.arraycontained(anyarray, anyarray) NOT LEAKPROOF;
          ALTER FUNCTION pg_catalog.arrayoverlap(anyarray, anyarray) NOT LEAKPROOF;
        END IF;
      END $$`);
    for (const fn of ['create_vendor_partitions(uuid)', 'drop_vendor_partitions(uuid)']) {
      await q.query(`ALTER FUNCTION ${fn} SECURITY INVOKER RESET search_path`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO PUBLIC`);
    }
    for (const table of TENANT_TABLES) {
      await q.query(`DROP POLICY platform_all ON ${table}`);
      await q.query(`DROP POLICY tenant_isolation ON ${table}`);
      await q.query(`ALTER TABLE ${table} DISABLE ROW LEVEL SECURITY`);
    }
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM nrp_app, nrp_platform`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM nrp_app, nrp_platform`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM nrp_app, nrp_platform`);
    await q.query(`DROP FUNCTION authenticate_api_key(text)`);
    await q.query(`DROP FUNCTION grant_application_roles()`);
    await q.query(`DROP FUNCTION app_vendor_id()`);
  }
}

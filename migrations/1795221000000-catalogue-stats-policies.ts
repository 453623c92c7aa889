import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * vendor_catalogue_stats under row-level security like every table with a vendor_id: the api's
 * role may read every row (the directory's figures are public — compare reads several vendors'
 * rows without a vendor scope) but write only its own vendor's (it never does: the worker derives
 * them as nrp_platform). Without this, a repository bug in the api could overwrite another
 * vendor's public figures.
 */
export class CatalogueStatsPolicies1795221000000 implements MigrationInterface {
  name = 'CatalogueStatsPolicies1795221000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE vendor_catalogue_stats ENABLE ROW LEVEL SECURITY`);
    await q.query(`
      CREATE POLICY tenant_isolation ON vendor_catalogue_stats TO nrp_app
        USING (vendor_id = app_vendor_id()) WITH CHECK (vendor_id = app_vendor_id())`);
    await q.query(`CREATE POLICY public_read ON vendor_catalogue_stats FOR SELECT TO nrp_app USING (true)`);
    await q.query(
      `CREATE POLICY platform_all ON vendor_catalogue_stats TO nrp_platform USING (true) WITH CHECK (true)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP POLICY platform_all ON vendor_catalogue_stats`);
    await q.query(`DROP POLICY public_read ON vendor_catalogue_stats`);
    await q.query(`DROP POLICY tenant_isolation ON vendor_catalogue_stats`);
    await q.query(`ALTER TABLE vendor_catalogue_stats DISABLE ROW LEVEL SECURITY`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Category benchmarks resisted a participant shaping its own products: from p25/median/p75 of a
 * 3-vendor category it read two competitors' exact prices. Benchmarks are now vendor-weighted (one
 * value per vendor: its own median) and each vendor's value is multiplied by a persistent secret
 * noise factor, 0.80–0.90 or 1.10–1.20 (the Evans–Zayatz–Slanta method the US Census Bureau uses
 * for establishment data), so a figure read back is at least 10 % away from the value behind it,
 * and — the factor never changing — re-reading after each rebuild does not average it out.
 *
 * The factors are drawn once per vendor by the rebuild job (the worker, nrp_platform). The api's
 * role sees no row: its row-level-security policy admits none.
 */
export class BenchmarkNoise1795222000000 implements MigrationInterface {
  name = 'BenchmarkNoise1795222000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE vendor_disclosure_noise (
        vendor_id  uuid        PRIMARY KEY REFERENCES vendors (id) ON DELETE CASCADE,
        factor     float8      NOT NULL CHECK (factor BETWEEN 0.8 AND 0.9 OR factor BETWEEN 1.1 AND 1.2),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`SELECT grant_application_roles()`);
    await q.query(`ALTER TABLE vendor_disclosure_noise ENABLE ROW LEVEL SECURITY`);
    // a vendor sees no factor, not even its own
    await q.query(
      `CREATE POLICY tenant_isolation ON vendor_disclosure_noise TO nrp_app USING (false) WITH CHECK (false)`,
    );
    await q.query(
      `CREATE POLICY platform_all ON vendor_disclosure_noise TO nrp_platform USING (true) WITH CHECK (true)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE vendor_disclosure_noise`);
  }
}

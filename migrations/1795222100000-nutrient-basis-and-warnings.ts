import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Real vendors' data: EU labels give nutrients per 100 g, US labels per serving. A product keeps the
 * basis its nutrients were given in (`nutrient_basis`; the stored figures are always per serving),
 * an ingest job may name the file's basis, and a CSV line's vocabulary findings (an unknown allergen
 * kept as written, a contradicted diet tag) are warnings beside its errors, counted on the job.
 */
export class NutrientBasisAndWarnings1795222100000 implements MigrationInterface {
  name = 'NutrientBasisAndWarnings1795222100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE products ADD COLUMN nutrient_basis text NOT NULL DEFAULT 'per_serving'
        CONSTRAINT products_nutrient_basis_check CHECK (nutrient_basis IN ('per_serving', 'per_100g'))`);
    await q.query(`
      ALTER TABLE ingest_jobs
        ADD COLUMN nutrient_basis text
          CONSTRAINT ingest_jobs_nutrient_basis_check CHECK (nutrient_basis IN ('per_serving', 'per_100g')),
        ADD COLUMN warning_counts jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`
      ALTER TABLE ingest_errors ADD COLUMN severity text NOT NULL DEFAULT 'error'
        CONSTRAINT ingest_errors_severity_check CHECK (severity IN ('error', 'warning'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ingest_errors DROP COLUMN severity`);
    await q.query(`ALTER TABLE ingest_jobs DROP COLUMN warning_counts, DROP COLUMN nutrient_basis`);
    await q.query(`ALTER TABLE products DROP COLUMN nutrient_basis`);
  }
}

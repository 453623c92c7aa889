import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the GIN index on products.allergens. Every query that reads allergens excludes them
 * (`NOT (allergens && $n)`: search filters and product matches), which a GIN index cannot serve;
 * pg_stat_user_indexes after bench:search and bench:matches showed it never scanned. It was built
 * on every first load and kept up to date on every merge for nothing.
 */
export class DropUnusedAllergenIndex1795220800000 implements MigrationInterface {
  name = 'DropUnusedAllergenIndex1795220800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS products_allergens`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX products_allergens ON products USING gin (allergens)`);
  }
}

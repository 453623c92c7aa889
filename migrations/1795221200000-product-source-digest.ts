import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `products.source_digest`: a digest of the CSV line a product was last written from (its mapped
 * values and the file's column mapping), set by ingestion. A re-ingest skips every line whose
 * digest its product still carries — no validation, no comparison, no write — so a daily
 * full-catalogue upload pays only for the lines that changed.
 *
 * The digest is only true while the product is as that line made it, so any other write clears
 * it: the trigger nulls it on every UPDATE that does not set a new digest itself (the API's
 * writes, diet-rule updates, a first load's swap of API-written rows). Partitions created or
 * attached later inherit the trigger.
 */
export class ProductSourceDigest1795221200000 implements MigrationInterface {
  name = 'ProductSourceDigest1795221200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE products ADD COLUMN source_digest uuid`);
    await q.query(`
      CREATE FUNCTION products_clear_source_digest() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.source_digest := NULL;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER products_source_digest BEFORE UPDATE ON products FOR EACH ROW
        WHEN (OLD.source_digest IS NOT NULL AND NEW.source_digest IS NOT DISTINCT FROM OLD.source_digest)
        EXECUTE FUNCTION products_clear_source_digest()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER products_source_digest ON products`);
    await q.query(`DROP FUNCTION products_clear_source_digest()`);
    await q.query(`ALTER TABLE products DROP COLUMN source_digest`);
  }
}

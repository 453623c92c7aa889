import { MigrationInterface, QueryRunner } from 'typeorm';
// the source files themselves, not the libs' indexes: data sources load the migrations
import { createFunctions } from '../libs/db/src/schema-source.js';
import { FUNCTIONS } from '../libs/schema/src/published.js';

/**
 * The declared allergens inside both full-text indexes: each GIN indexes its vector concatenated
 * with `allergen_lexemes(allergens)` (`~peanuts`, `~tree_nuts`: lexemes no search's words can
 * produce), so a search excluding allergens asks the index for `words & !'~peanuts' & …` and reads
 * only the rows it keeps. Before, an exclusion was a check on the row of every word match:
 * `pistachio` without tree nuts read all 8 800 pistachio products of a 500 000-product catalogue to
 * show none (57 ms; 5–8 ms in the index), and that cost grew with the catalogue. The array check stays
 * in every statement as the authority. No table rewrite: the indexes are rebuilt under their names,
 * so a first load (which builds every index of the parent per leaf) builds these; the rebuild holds
 * writes to `products` meanwhile (docs/benchmarks.md gives the time per million products).
 * set_leaf_statistics gives a full-text index expression the vectors' statistics target (10), as
 * it gives the vector columns, and runs again for every existing catalogue leaf.
 */
export class AllergensInFulltextIndexes1795222800000 implements MigrationInterface {
  name = 'AllergensInFulltextIndexes1795222800000';

  async up(q: QueryRunner): Promise<void> {
    await createFunctions(q, FUNCTIONS.catalogue!, { allergen_lexemes: '522c253b0dca' });
    await createFunctions(q, FUNCTIONS.db!, { set_leaf_statistics: '82aa2c8aa488' });
    await q.query(`DROP INDEX products_title`);
    await q.query(
      `CREATE INDEX products_title ON products USING gin (category, dietary_tags, (title_tsv || allergen_lexemes(allergens)))`,
    );
    await q.query(`DROP INDEX products_search`);
    await q.query(
      `CREATE INDEX products_search ON products USING gin (category, dietary_tags, (search_tsv || allergen_lexemes(allergens)))`,
    );
    // the new expressions' statistics as the vectors' (10), or ANALYZE would sample 30 000 rows a leaf
    await q.query(`
      DO $$
      DECLARE leaf regclass;
      BEGIN
        FOR leaf IN SELECT c.oid::regclass FROM pg_inherits i
                      JOIN pg_class c ON c.oid = i.inhrelid
                      JOIN pg_inherits up ON up.inhrelid = i.inhparent
                     WHERE up.inhparent = 'products'::regclass AND c.relkind = 'r' LOOP
          PERFORM set_leaf_statistics(leaf);
        END LOOP;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX products_search`);
    await q.query(`CREATE INDEX products_search ON products USING gin (category, dietary_tags, search_tsv)`);
    await q.query(`DROP INDEX products_title`);
    await q.query(`CREATE INDEX products_title ON products USING gin (category, dietary_tags, title_tsv)`);
    await q.query(`DROP FUNCTION IF EXISTS allergen_lexemes(text[])`);
  }
}

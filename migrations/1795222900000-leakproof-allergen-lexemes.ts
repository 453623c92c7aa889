import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The full-text indexes' expressions usable under row-level security. PostgreSQL uses a condition
 * as an index condition ahead of a policy only when every function in it is LEAKPROOF
 * (1795220100000 marked the full-text match and the array tests); since 1795222800000 the
 * search's condition is `(title_tsv || allergen_lexemes(allergens)) @@ …`, whose concatenation and
 * allergen_lexemes are not, so every search under the policy scanned the vendor's leaves instead
 * of reading its GIN index (the search e2e test runs its plans as nrp_app). Neither has side
 * effects or raises an error that depends on the data short of a vector over 1 MB, and a search
 * names its vendor, so only that vendor's leaves are read at all. Marking them needs a superuser,
 * as before; elsewhere isolation holds and searches are slower (README).
 */
export class LeakproofAllergenLexemes1795222900000 implements MigrationInterface {
  name = 'LeakproofAllergenLexemes1795222900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          ALTER FUNCTION pg_catalog.tsvector_concat(tsvector, tsvector) LEAKPROOF;
          ALTER FUNCTION allergen_lexemes(text[]) LEAKPROOF;
        ELSE
          RAISE WARNING 'not a superuser: the full-text index expressions are not LEAKPROOF, so searches under row-level security scan instead of using their indexes';
        END IF;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DO $$
      BEGIN
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          ALTER FUNCTION pg_catalog.tsvector_concat(tsvector, tsvector) NOT LEAKPROOF;
          ALTER FUNCTION allergen_lexemes(text[]) NOT LEAKPROOF;
        END IF;
      END $$`);
  }
}

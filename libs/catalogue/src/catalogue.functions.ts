/**
 * The SQL functions the catalogue lib owns, as they are now: each the exact text PostgreSQL gives back
 * (`pg_get_functiondef`). Migrations create them from here; test/integration/schema-source.spec.ts
 * fails when the database and this file differ. To change one: edit it here and add a migration
 * that runs `createFunctions(q, FUNCTIONS, [name])` (libs/db/src/schema-source.ts).
 */
export const FUNCTIONS: Record<string, string> = {
  products_clear_source_digest: `CREATE OR REPLACE FUNCTION public.products_clear_source_digest()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        NEW.source_digest := NULL;
        RETURN NEW;
      END $function$`,
  /**
   * A product's declared allergens as lexemes of their own (`~peanuts`, never a word a shopper's
   * search can produce), concatenated to each full-text vector inside its GIN index: a search that
   * excludes allergens (`… & !'~peanuts'`) has the index drop the products declaring them instead of
   * reading every match's row to check. Exact for any code; the codes no index key can hold (NULL,
   * empty, over 1 000 bytes) are left out, so only the array check (`NOT allergens && …`), which
   * every search keeps, excludes them. PL/pgSQL: no parsing, so it cannot fail on an odd code.
   */
  allergen_lexemes: `CREATE OR REPLACE FUNCTION public.allergen_lexemes(allergens text[])
 RETURNS tsvector
 LANGUAGE plpgsql
 IMMUTABLE PARALLEL SAFE STRICT
AS $function$
      DECLARE
        lexemes text[] := '{}';
        code text;
      BEGIN
        IF cardinality(allergens) = 0 THEN
          RETURN ''::tsvector;
        END IF;
        -- a NULL, an empty code or one too long for an index key is left to the array check
        FOREACH code IN ARRAY allergens LOOP
          IF octet_length(code) BETWEEN 1 AND 1000 THEN
            lexemes := lexemes || ('~' || code);
          END IF;
        END LOOP;
        RETURN array_to_tsvector(lexemes);
      END $function$`,
};

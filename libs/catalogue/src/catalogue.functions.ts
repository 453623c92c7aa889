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
};

import { FIGURE_COLUMNS, missingFields } from './figure-counts.sql.js';

const columns = FIGURE_COLUMNS.join(', ');
const from = (rows: string, sign: number, at: string) =>
  `SELECT r.vendor_id, ${sign}, ${at}, ${missingFields('r')}, ${FIGURE_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM ${rows} r`;

/**
 * The SQL functions the insights lib owns, as they are now: each the exact text PostgreSQL gives back
 * (`pg_get_functiondef`). Migrations create them from here; test/integration/schema-source.spec.ts
 * fails when the database and this file differ. To change one: edit it here and add a migration
 * that runs `createFunctions(q, FUNCTIONS, [name])` (libs/db/src/schema-source.ts).
 *
 * record_catalogue_figure_changes: the statement triggers on `products` (INSERT, UPDATE, DELETE,
 * each with its transition tables) append every changed row to catalogue_figure_changes — a
 * row's old values counted −1, its new values +1 — for the figures job to fold into the counts
 * (figure-counts.sql.ts). It writes the log as its owner (SECURITY DEFINER): the roles that write
 * products have no access to the log.
 */
export const FUNCTIONS: Record<string, string> = {
  record_catalogue_figure_changes: `CREATE OR REPLACE FUNCTION public.record_catalogue_figure_changes()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          INSERT INTO catalogue_figure_changes (vendor_id, sign, at, missing, ${columns})
          ${from('old_rows', -1, 'statement_timestamp()')};
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO catalogue_figure_changes (vendor_id, sign, at, missing, ${columns})
          ${from('new_rows', 1, 'r.updated_at')};
        END IF;
        RETURN NULL;
      END $function$`,
};

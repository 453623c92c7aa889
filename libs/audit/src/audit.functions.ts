/**
 * The SQL functions the audit lib owns, as they are now: each the exact text PostgreSQL gives back
 * (`pg_get_functiondef`). Migrations create them from here; test/integration/schema-source.spec.ts
 * fails when the database and this file differ. To change one: edit it here and add a migration
 * that runs `createFunctions(q, FUNCTIONS, [name])` (libs/db/src/schema-source.ts).
 */
export const FUNCTIONS: Record<string, string> = {
  audit_log_append_only: `CREATE OR REPLACE FUNCTION public.audit_log_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $function$`,
  ensure_audit_log_partitions: `CREATE OR REPLACE FUNCTION public.ensure_audit_log_partitions(day date, ahead integer)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      DECLARE
        first date := date_trunc('month', day)::date;
        m date;
        created integer := 0;
      BEGIN
        FOR i IN 0 .. ahead LOOP
          m := (first + make_interval(months => i))::date;
          IF to_regclass(format('audit_log_%s', to_char(m, 'YYYYMM'))) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
                           format('audit_log_%s', to_char(m, 'YYYYMM')), m,
                           (m + interval '1 month')::date);
            EXECUTE format('CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON %I
                              FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()',
                           format('audit_log_%s', to_char(m, 'YYYYMM')));
            created := created + 1;
          END IF;
        END LOOP;
        RETURN created;
      END $function$`,
};

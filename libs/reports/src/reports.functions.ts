/**
 * The SQL functions the reports lib owns, as they are now: each the exact text PostgreSQL gives back
 * (`pg_get_functiondef`). Migrations create them from here; test/integration/schema-source.spec.ts
 * fails when the database and this file differ. To change one: edit it here and add a migration
 * that runs `createFunctions(q, FUNCTIONS, [name])` (libs/db/src/schema-source.ts).
 */
export const FUNCTIONS: Record<string, string> = {
  report_access_count: `CREATE OR REPLACE FUNCTION public.report_access_count()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF NEW.success THEN
          UPDATE reports SET access_count = access_count + 1,
                             last_accessed_at = GREATEST(COALESCE(last_accessed_at, NEW.accessed_at), NEW.accessed_at)
           WHERE id = NEW.report_id;
        END IF;
        RETURN NULL;
      END $function$`,
  report_events_notify: `CREATE OR REPLACE FUNCTION public.report_events_notify()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        PERFORM pg_notify('report_events', NEW.report_id::text);
        RETURN NULL;
      END $function$`,
  report_revisions_immutable: `CREATE OR REPLACE FUNCTION public.report_revisions_immutable()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF OLD.status = 'completed' THEN
          RAISE EXCEPTION 'report % revision % is completed and cannot change', OLD.report_id, OLD.revision;
        END IF;
        RETURN NEW;
      END $function$`,
  ensure_report_access_log_partitions: `CREATE OR REPLACE FUNCTION public.ensure_report_access_log_partitions(months_ahead integer)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      DECLARE
        m date := date_trunc('month', now())::date;
        created integer := 0;
        name text;
      BEGIN
        FOR i IN 0..months_ahead LOOP
          name := format('report_access_log_%s', to_char(m, 'YYYY_MM'));
          IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF report_access_log FOR VALUES FROM (%L) TO (%L)',
                           name, m, (m + interval '1 month')::date);
            created := created + 1;
          END IF;
          m := (m + interval '1 month')::date;
        END LOOP;
        RETURN created;
      END $function$`,
  drop_report_access_log_partitions: `CREATE OR REPLACE FUNCTION public.drop_report_access_log_partitions(retention_days integer)
 RETURNS SETOF text
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
      DECLARE name text;
      BEGIN
        FOR name IN
          SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
           WHERE p.relname = 'report_access_log' AND c.relname ~ '^report_access_log_[0-9]{4}_[0-9]{2}$'
             AND (to_date(substring(c.relname from '[0-9]{4}_[0-9]{2}$'), 'YYYY_MM') + interval '1 month')
                 <= now() - make_interval(days => retention_days)
           ORDER BY c.relname
        LOOP
          EXECUTE format('DROP TABLE %I', name);
          RETURN NEXT name;
        END LOOP;
        DELETE FROM report_access_log_default WHERE accessed_at < now() - make_interval(days => retention_days);
      END $function$`,
};

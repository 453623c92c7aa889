/**
 * The SQL functions the vendors lib owns, as they are now: each the exact text PostgreSQL gives back
 * (`pg_get_functiondef`). Migrations create them from here; test/integration/schema-source.spec.ts
 * fails when the database and this file differ. To change one: edit it here and add a migration
 * that runs `createFunctions(q, FUNCTIONS, [name])` (libs/db/src/schema-source.ts).
 */
export const FUNCTIONS: Record<string, string> = {
  authenticate_api_key: `CREATE OR REPLACE FUNCTION public.authenticate_api_key(hash text)
 RETURNS TABLE(id uuid, vendor_id uuid, role text, revoked_at timestamp with time zone, vendor_status text)
 LANGUAGE sql
 SECURITY DEFINER
 SET search_path TO 'public', 'pg_temp'
AS $function$
        WITH touched AS (
          UPDATE vendor_api_keys k SET last_used_at = now()
           WHERE k.key_hash = hash AND k.revoked_at IS NULL
             AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute'))
        SELECT k.id, k.vendor_id, k.role, k.revoked_at, v.status
          FROM vendor_api_keys k JOIN vendors v ON v.id = k.vendor_id
         WHERE k.key_hash = hash
      $function$`,
  notify_credentials_changed: `CREATE OR REPLACE FUNCTION public.notify_credentials_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        -- TG_ARGV[0]: the column holding the vendor id (vendor_api_keys.vendor_id, vendors.id)
        PERFORM pg_notify('credentials_changed',
          CASE TG_OP WHEN 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END ->> TG_ARGV[0]);
        RETURN NULL;
      END $function$`,
};

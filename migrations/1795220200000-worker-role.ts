import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The worker's jobs run as `nrp_platform` (every vendor's rows, DML only, no ownership) instead of
 * the schema owner. What they need beyond DML runs with the owner's rights, and only that:
 * - partition upkeep (audit log, report access log) in SECURITY DEFINER functions;
 * - the ingestion pipeline, which builds and swaps whole partitions (CREATE/ATTACH/DETACH, index
 *   builds, VACUUM), on a connection of its own as the owner (see SchemaOwnerDb).
 */
export class WorkerRole1795220200000 implements MigrationInterface {
  name = 'WorkerRole1795220200000';

  async up(q: QueryRunner): Promise<void> {
    // Drops the monthly partitions that ended before the retention horizon, and the default
    // partition's older rows (a partition is never granted to the application roles).
    await q.query(`
      CREATE FUNCTION drop_report_access_log_partitions(retention_days integer) RETURNS SETOF text
      LANGUAGE plpgsql AS $$
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
      END $$`);
    for (const fn of [
      'ensure_report_access_log_partitions(integer)',
      'drop_report_access_log_partitions(integer)',
      'ensure_audit_log_partitions(date, integer)',
    ]) {
      await q.query(`ALTER FUNCTION ${fn} SECURITY DEFINER SET search_path = public, pg_temp`);
      await q.query(`REVOKE EXECUTE ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO nrp_platform`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const fn of [
      'ensure_report_access_log_partitions(integer)',
      'ensure_audit_log_partitions(date, integer)',
    ]) {
      await q.query(`ALTER FUNCTION ${fn} SECURITY INVOKER RESET search_path`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO PUBLIC`);
    }
    await q.query(`DROP FUNCTION drop_report_access_log_partitions(integer)`);
  }
}

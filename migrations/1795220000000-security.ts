import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security hardening:
 * - idempotency_keys keeps response bodies sealed by the vault (`response_sealed`), never in the
 *   clear (they held API keys, signing secrets, session tokens and health profiles). Stored
 *   responses are a 24 h cache: the ones kept in the clear are dropped.
 * - audit_log entries of health-profile changes written before this kept the values themselves;
 *   they are reduced to the names of the fields (the append-only guard is lifted for this one
 *   statement). New entries keep field names and keyed digests only.
 */
export class Security1795220000000 implements MigrationInterface {
  name = 'Security1795220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM idempotency_keys`);
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN response_body`);
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN response_sealed bytea`);

    await q.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`);
    await q.query(`
      UPDATE audit_log
         SET before = CASE WHEN jsonb_typeof(before) = 'object'
                           THEN jsonb_build_object('redacted', true) END,
             after  = CASE WHEN jsonb_typeof(after) = 'object'
                           THEN jsonb_build_object('redacted', true, 'fields',
                                  (SELECT coalesce(jsonb_agg(k ORDER BY k), '[]') FROM jsonb_object_keys(after) k)) END
       WHERE action IN ('customer.health_profile.created', 'customer.health_profile.updated')`);
    await q.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`);
    await q.query(`CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX mail_outbox_created_idx`);
    await q.query(`DELETE FROM idempotency_keys`);
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN response_sealed`);
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN response_body jsonb`);
  }
}

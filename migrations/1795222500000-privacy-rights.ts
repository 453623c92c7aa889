import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy rights. A buyer's erasure keeps the payment for accounting (amount, currency, dates,
 * provider ids) unlinked from the person, and the report as a tombstone that answers 410
 * `report_deleted` (no address, no session, no contents): so `payments.session_id`,
 * `reports.session_id` and `reports.email` may be NULL, and a report can be revoked as `deleted`
 * or, after its retention, `expired` (contents removed). `privacy_requests`: the one-time links
 * e-mailed to confirm a buyer's export or erasure (token digests only; deleted when used or old).
 */
export class PrivacyRights1795222500000 implements MigrationInterface {
  name = 'PrivacyRights1795222500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments ALTER COLUMN session_id DROP NOT NULL`);
    await q.query(`ALTER TABLE reports ALTER COLUMN session_id DROP NOT NULL`);
    await q.query(`ALTER TABLE reports ALTER COLUMN email DROP NOT NULL`);
    await q.query(`ALTER TABLE reports DROP CONSTRAINT reports_revoked_reason_check`);
    await q.query(
      `ALTER TABLE reports ADD CONSTRAINT reports_revoked_reason_check
         CHECK (revoked_reason IN ('refunded', 'disputed', 'deleted', 'expired'))`,
    );
    await q.query(`
      CREATE TABLE privacy_requests (
        token_hash text        PRIMARY KEY CHECK (length(token_hash) = 64),
        email      text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at    timestamptz
      )`);
    await q.query(`CREATE INDEX privacy_requests_email_idx ON privacy_requests (email)`);
    await q.query(`CREATE INDEX privacy_requests_expires_idx ON privacy_requests (expires_at)`);
    await q.query(
      `CREATE INDEX calculator_sessions_unpaid_idx ON calculator_sessions (updated_at) WHERE status = 'in_progress'`,
    );
    await q.query(`SELECT grant_application_roles()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX calculator_sessions_unpaid_idx`);
    await q.query(`DROP TABLE privacy_requests`);
    await q.query(`DELETE FROM reports WHERE session_id IS NULL`);
    await q.query(`ALTER TABLE reports DROP CONSTRAINT reports_revoked_reason_check`);
    await q.query(`UPDATE reports SET revoked_reason = NULL WHERE revoked_reason IN ('deleted', 'expired')`);
    await q.query(
      `ALTER TABLE reports ADD CONSTRAINT reports_revoked_reason_check CHECK (revoked_reason IN ('refunded', 'disputed'))`,
    );
    await q.query(`DELETE FROM payments WHERE session_id IS NULL`);
    await q.query(`ALTER TABLE reports ALTER COLUMN email SET NOT NULL`);
    await q.query(`ALTER TABLE reports ALTER COLUMN session_id SET NOT NULL`);
    await q.query(`ALTER TABLE payments ALTER COLUMN session_id SET NOT NULL`);
  }
}

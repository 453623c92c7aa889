import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A buyer whose report link was used up asks for a new one by e-mail address (the "link already
 * used" page): reports are looked up by address, so the address is indexed (live reports only).
 */
export class ReportLinksByEmail1795222400000 implements MigrationInterface {
  name = 'ReportLinksByEmail1795222400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX reports_email_idx ON reports (email, created_at DESC) WHERE revoked_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX reports_email_idx`);
  }
}

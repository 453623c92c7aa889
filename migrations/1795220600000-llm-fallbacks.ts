import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report the model could not write says so: the revision records that the composer wrote it
 * instead and why, and each failed model call its kind (auth, permission, model_not_found, …), so
 * readiness and the admin stats can show a generator that is misconfigured rather than busy.
 */
export class LlmFallbacks1795220600000 implements MigrationInterface {
  name = 'LlmFallbacks1795220600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_revisions ADD COLUMN fallback_reason text`);
    await q.query(`ALTER TABLE llm_api_logs ADD COLUMN error_kind text`);
    await q.query(`CREATE INDEX llm_api_logs_recent ON llm_api_logs (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX llm_api_logs_recent`);
    await q.query(`ALTER TABLE llm_api_logs DROP COLUMN error_kind`);
    await q.query(`ALTER TABLE report_revisions DROP COLUMN fallback_reason`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report generation retried after its worker died says so: an `attempt` event starts each
 * retry, so a progress stream shows the stages restarting as a new attempt.
 */
export class GenerationAttempts1795220500000 implements MigrationInterface {
  name = 'GenerationAttempts1795220500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`);
    await q.query(`
      ALTER TABLE report_events ADD CONSTRAINT report_events_type_check
        CHECK (type IN ('progress', 'section', 'complete', 'error', 'attempt'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM report_events WHERE type = 'attempt'`);
    await q.query(`ALTER TABLE report_events DROP CONSTRAINT report_events_type_check`);
    await q.query(`
      ALTER TABLE report_events ADD CONSTRAINT report_events_type_check
        CHECK (type IN ('progress', 'section', 'complete', 'error'))`);
  }
}

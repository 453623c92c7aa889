import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { PermanentGenerationError, ReportGenerationService } from '#libs/reports';
import { createApiApp } from '../support/api-app.js';
import { ReportMaintenanceRepository } from '../../libs/reports/src/maintenance/report-maintenance.repository.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { paidReport } from '../support/paid-report.js';

/** The generation service driven directly (no worker), against a real database. */
describe('report generation', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let generation: ReportGenerationService;

  beforeAll(async () => {
    db = await createTestDatabase();
    // worker-side services (generation, partition maintenance) reached through the api's container:
    // connect as the owner, as the worker does, not as the api's row-secured role
    app = await createApiApp(testConfig(db.url, { DATABASE_ROW_SECURITY: 'false' }));
    ds = await db.owner();
    generation = app.get(ReportGenerationService);
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  async function newReport(): Promise<string> {
    const before = await ds.query(`SELECT id FROM reports`);
    await paidReport(app);
    const [row] = await ds.query(`SELECT id FROM reports WHERE NOT (id = ANY($1::uuid[]))`, [
      before.map((r: { id: string }) => r.id),
    ]);
    return row.id;
  }
  const first = { retryCount: 0, lastAttempt: false };
  const events = (id: string) =>
    ds.query(`SELECT type, data FROM report_events WHERE report_id = $1 ORDER BY id`, [id]);

  it('is idempotent: a second run of a completed job changes nothing', async () => {
    const id = await newReport();
    expect(await generation.generate(id, first)).toBe('completed');
    const [rev] = await ds.query(`SELECT html, completed_at FROM report_revisions WHERE report_id = $1`, [
      id,
    ]);
    expect(await generation.generate(id, first)).toBe('skipped');
    expect(
      await ds.query(`SELECT html, completed_at FROM report_revisions WHERE report_id = $1`, [id]),
    ).toEqual([rev]);
    expect((await events(id)).filter((e: { type: string }) => e.type === 'complete')).toHaveLength(1);
    expect(
      await ds.query(
        `SELECT id FROM mail_outbox WHERE template = 'report.ready' AND to_address = 'michael@example.com'`,
      ),
    ).toHaveLength(1);
  });

  it('a transient failure leaves the revision retryable and the retry completes it', async () => {
    const id = await newReport();
    await ds.query(
      `CREATE FUNCTION fail_mail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'smtp queue down'; END $$`,
    );
    await ds.query(
      `CREATE TRIGGER fail_mail BEFORE INSERT ON mail_outbox FOR EACH ROW EXECUTE FUNCTION fail_mail()`,
    );
    await expect(generation.generate(id, first)).rejects.toThrow(/smtp queue down/);
    const [rev] = await ds.query(`SELECT status FROM report_revisions WHERE report_id = $1`, [id]);
    expect(rev.status).toBe('generating'); // the completing transaction rolled back whole
    expect((await events(id)).at(-1)).toEqual({
      type: 'error',
      data: expect.objectContaining({ final: false }),
    });
    await ds.query(`DROP TRIGGER fail_mail ON mail_outbox`);
    expect(await generation.generate(id, { retryCount: 1, lastAttempt: false })).toBe('completed');
    expect((await events(id)).at(-1).type).toBe('complete');
  });

  it('the last failed attempt marks the report failed with a reason', async () => {
    const id = await newReport();
    await ds.query(
      `CREATE TRIGGER fail_mail BEFORE INSERT ON mail_outbox FOR EACH ROW EXECUTE FUNCTION fail_mail()`,
    );
    await expect(generation.generate(id, { retryCount: 5, lastAttempt: true })).rejects.toThrow();
    await ds.query(`DROP TRIGGER fail_mail ON mail_outbox`);
    const [r] = await ds.query(`SELECT status, failure_reason FROM reports WHERE id = $1`, [id]);
    expect(r).toEqual({ status: 'failed', failure_reason: expect.stringContaining('smtp queue down') });
    expect((await events(id)).at(-1)).toEqual({
      type: 'error',
      data: expect.objectContaining({ final: true }),
    });
  });

  it('a permanent error fails at once', async () => {
    const id = await newReport();
    await ds.query(
      `UPDATE calculator_sessions SET macros = NULL WHERE id = (SELECT session_id FROM reports WHERE id = $1)`,
      [id],
    );
    await expect(generation.generate(id, first)).rejects.toBeInstanceOf(PermanentGenerationError);
    expect((await ds.query(`SELECT status FROM reports WHERE id = $1`, [id]))[0].status).toBe('failed');
  });

  it('access log: partitions three months ahead, a default partition for the rest, old ones dropped', async () => {
    const maintenance = app.get(ReportMaintenanceRepository);
    expect(await maintenance.ensurePartitions(3)).toBe(0); // the migration made them
    const parts: { relname: string }[] = await ds.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'report_access_log'::regclass`,
    );
    expect(parts.length).toBeGreaterThanOrEqual(5); // 4 months + default
    const [{ id }] = await ds.query(`SELECT id FROM reports LIMIT 1`);
    await ds.query(
      `INSERT INTO report_access_log (report_id, accessed_at, kind, success, status) VALUES ($1, now() + interval '5 years', 'page', true, 200)`,
      [id],
    );
    expect(await ds.query(`SELECT 1 FROM report_access_log_default`)).toHaveLength(1);
    await ds.query(
      `CREATE TABLE report_access_log_2020_01 PARTITION OF report_access_log FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')`,
    );
    expect(await maintenance.dropOlderThan(90)).toEqual(['report_access_log_2020_01']);
  });

  it('LLM call logs are kept 90 days', async () => {
    const maintenance = app.get(ReportMaintenanceRepository);
    const before: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM llm_api_logs`);
    await ds.query(
      `INSERT INTO llm_api_logs (model, purpose, duration_ms, status, created_at)
       VALUES ('m', 'old', 1, 'ok', now() - interval '91 days'), ('m', 'recent', 1, 'ok', now() - interval '89 days')`,
    );
    expect(await maintenance.purgeLlmLogs(90)).toBe(1);
    const after: { n: number }[] = await ds.query(`SELECT count(*)::int AS n FROM llm_api_logs`);
    expect(after[0]!.n).toBe(before[0]!.n + 1);
  });
});

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { CalculatorClient } from '../support/calculator-client.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';

/** The paid transition is one transaction: a failure at its last step leaves nothing behind. */
describe('paid transition atomicity', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url));
    ds = await db.owner();
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('rolls back session, payment, report and job when storing the access token fails', async () => {
    const c = await new CalculatorClient(app).start();
    await c.completeSteps();
    const { checkout_session_id } = await c.checkout('doctor');
    await ds.query(`UPDATE sandbox_checkouts SET status = 'paid' WHERE id = $1`, [checkout_session_id]);
    // The token insert is the last write of verify, after the report row and the job.
    await ds.query(
      `CREATE FUNCTION fail_token() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$`,
    );
    await ds.query(
      `CREATE TRIGGER fail_token BEFORE INSERT ON report_access_tokens FOR EACH ROW EXECUTE FUNCTION fail_token()`,
    );

    const failed = await c.verify(checkout_session_id);
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toContain('disk on fire');

    const [session] = await ds.query(
      `SELECT status, is_premium, payment_status FROM calculator_sessions WHERE id = $1`,
      [c.id],
    );
    expect(session).toEqual({ status: 'in_progress', is_premium: false, payment_status: 'pending' });
    expect(
      await ds.query(`SELECT status FROM payments WHERE checkout_session_id = $1`, [checkout_session_id]),
    ).toEqual([{ status: 'pending' }]);
    expect(await ds.query(`SELECT id FROM reports WHERE session_id = $1`, [c.id])).toHaveLength(0);
    expect(await ds.query(`SELECT id FROM pgboss.job WHERE name = 'report.generate'`)).toHaveLength(0);

    await ds.query(`DROP TRIGGER fail_token ON report_access_tokens`);
    const retried = await c.verify(checkout_session_id);
    expect(retried.statusCode).toBe(200);
    expect(await ds.query(`SELECT id FROM reports WHERE session_id = $1`, [c.id])).toHaveLength(1);
    expect(await ds.query(`SELECT id FROM pgboss.job WHERE name = 'report.generate'`)).toHaveLength(1);
  });
});

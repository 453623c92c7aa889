import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { freePort } from '#libs/db/embedded';
import { BuyerDataService } from '#libs/privacy';
import { VaultService } from '#libs/vault';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createApiApp } from '../support/api-app.js';
import { CalculatorClient, MICHAEL } from '../support/calculator-client.js';
import { scanDatabase, vaultOpeners } from '../support/data-scanner.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { waitFor } from '../support/wait.js';

const DAY = 86_400_000;

/**
 * A buyer's rights: their data downloaded from the report page and from the e-mailed link, then
 * erased through the one-time link e-mailed to them. A scan of every table and column (sealed
 * idempotent responses opened) then finds their e-mail address, names and medication text nowhere;
 * the report link answers 410 `report_deleted`; the payment stays, unlinked. And retention on a
 * clock moved forward: unpaid sessions past their period gone, expired reports' contents gone.
 */
describe('a buyer’s data downloaded and erased (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    const port = await freePort();
    const config = testConfig(db.url, { PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    await app.listen({ port, host: '127.0.0.1' });
    ds = await db.owner();
  });
  afterAll(async () => {
    await Promise.all([app?.close(), worker?.close()]);
    await db?.drop();
  });

  const openers = () => vaultOpeners(app.get(VaultService));
  const form = (url: string, fields: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url,
      payload: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    });
  const mailTo = async (address: string, template: string) =>
    waitFor(async () => {
      const [row] = await ds.query(
        `SELECT text_body FROM mail_outbox WHERE to_address = $1 AND template = $2 ORDER BY created_at DESC LIMIT 1`,
        [address, template],
      );
      return row?.text_body as string | undefined;
    });

  /** The funnel to a written report, with an Idempotency-Key on its steps (stored, sealed responses). */
  async function paidBuyer(
    who: { email: string; first_name: string; last_name: string; medications: string },
    tier = 'doctor',
  ) {
    const c = await new CalculatorClient(app).start();
    const step4 = { ...MICHAEL.step4, ...who };
    await c.completeSteps({ ...MICHAEL, step4 });
    await c.request('POST', '/calculator/step/4', step4, { 'idempotency-key': `step4-${who.email}` });
    const { checkout_session_id } = await c.checkout(tier);
    await app.inject({ method: 'POST', url: `/api/v1/payments/sandbox/${checkout_session_id}/complete` });
    const token = (await c.verify(checkout_session_id)).json().access_token as string;
    await waitFor(async () => {
      const s = (await app.inject({ url: `/api/v1/reports/${token}/status` })).json();
      return s.status === 'completed' ? true : undefined;
    }, 60_000);
    return { client: c, token, checkoutId: checkout_session_id };
  }

  it('downloads, then erases through the e-mailed link: nothing of them remains', async () => {
    const who = {
      email: 'qz8.erasable@example.com',
      first_name: 'Qz8Marta',
      last_name: 'Qz8Forgetme',
      medications: 'Qz8medicol 20mg at night',
    };
    const { token, checkoutId } = await paidBuyer(who);
    await mailTo(who.email, 'report.ready');
    // the resume request keeps a rate-limit counter for the address
    await app.inject({
      method: 'POST',
      url: '/api/v1/calculator/sessions/resume',
      payload: { email: who.email },
    });

    // the report page offers both, and every e-mail links /privacy
    const page = await app.inject({ url: `/r/${token}` });
    expect(page.body).toContain(`/privacy/report/${token}/export`);
    expect(page.body).toContain(`action="/privacy/report/${token}/erase"`);
    expect(await mailTo(who.email, 'report.ready')).toContain('/privacy');

    // download from the report page: answers, macros, the report's text, the payment
    const copy = await app.inject({ url: `/privacy/report/${token}/export` });
    expect(copy.headers['content-disposition']).toMatch(/^attachment; filename="my-nutrition-data-/);
    expect(copy.json()).toMatchObject({
      email: who.email,
      calculator_sessions: [
        {
          answers: { medications: who.medications, first_name: who.first_name },
          macros: { calories: expect.any(Number) },
        },
      ],
      reports: [{ tier: 'doctor', text_markdown: expect.stringContaining('Qz8Marta') }],
      payments: [{ amount_cents: expect.any(Number), currency: 'usd', status: 'completed' }],
    });

    // "delete my data" from the report page e-mails a one-time link to the buyer's address
    const asked = await form(`/privacy/report/${token}/erase`);
    expect(asked.statusCode).toBe(200);
    const link = /http:\/\/[^\s]+\/privacy\/requests\/([A-Za-z0-9_-]+)/.exec(
      await mailTo(who.email, 'privacy.link'),
    )!;
    const requestPath = new URL(link[0]).pathname;
    const overview = await app.inject({ url: requestPath });
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('Delete my data');
    const pdfPath = /href="(\/privacy\/requests\/[^"]+\/reports\/[0-9a-f-]{36}\/pdf)"/.exec(
      overview.body,
    )![1]!;
    const pdf = await app.inject({ url: pdfPath });
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await app.inject({ url: `${requestPath}/export` })).json().email).toBe(who.email);

    const needles = [who.email, who.first_name, who.last_name, 'Qz8medicol'];
    const before = await scanDatabase(ds, needles, { openers: openers() });
    expect(before.get('Qz8medicol')!.length).toBeGreaterThan(0);

    const erased = await form(`${requestPath}/erase`);
    expect(erased.statusCode).toBe(200);
    expect(erased.body).toContain('Your data was deleted');
    expect((await form(`${requestPath}/erase`)).statusCode).toBe(404); // once

    const after = await scanDatabase(ds, needles, { openers: openers() });
    for (const n of needles) expect([n, after.get(n)]).toEqual([n, []]);

    const gone = await app.inject({ url: `/api/v1/reports/${token}` });
    expect([gone.statusCode, gone.json().error.code]).toEqual([410, 'report_deleted']);
    const gonePage = await app.inject({ url: `/r/${token}` });
    expect(gonePage.statusCode).toBe(410);
    expect(gonePage.body).toContain('This report was deleted');
    const [payment] = await ds.query(
      `SELECT session_id, amount_cents, currency, status, provider FROM payments WHERE checkout_session_id = $1`,
      [checkoutId],
    );
    expect(payment).toEqual({
      session_id: null,
      amount_cents: expect.any(Number),
      currency: 'usd',
      status: 'completed',
      provider: 'sandbox',
    });
  }, 180_000);

  it('answers /privacy the same whether or not the address is known', async () => {
    const unknown = await form('/privacy/request', { email: 'never.here@example.com' });
    expect(unknown.statusCode).toBe(200);
    expect(unknown.body).toContain('If we hold data about never.here@example.com');
    const [mail] = await ds.query(
      `SELECT count(*)::int AS n FROM mail_outbox WHERE to_address = 'never.here@example.com'`,
    );
    expect(mail.n).toBe(0);
    expect((await form('/privacy/request', { email: 'nope' })).statusCode).toBe(422);
    const crossSite = await app.inject({
      method: 'POST',
      url: '/privacy/request',
      payload: 'email=a%40example.com',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.statusCode).toBe(403);
  });

  it('enforces retention on a clock moved forward: unpaid sessions, then expired reports', async () => {
    const buyers = worker.get(BuyerDataService, { strict: false });
    const unpaid = await new CalculatorClient(app).start();
    await unpaid.completeSteps({ ...MICHAEL, step4: { ...MICHAEL.step4, email: 'unpaid.qz9@example.com' } });
    // a resume link was mailed to it: that mail goes with the session
    await app.inject({
      method: 'POST',
      url: '/api/v1/calculator/sessions/resume',
      payload: { email: 'unpaid.qz9@example.com' },
    });
    await mailTo('unpaid.qz9@example.com', 'calculator.resume');
    const { token } = await paidBuyer(
      {
        email: 'paid.qz9@example.com',
        first_name: 'Qz9Paula',
        last_name: 'Qz9Kept',
        medications: 'Qz9statin',
      },
      'bundle', // 30 days
    );
    const sessions = async () =>
      (
        await ds.query(
          `SELECT email FROM calculator_sessions WHERE email LIKE '%qz9@example.com' ORDER BY email`,
        )
      ).map((r: { email: string }) => r.email);
    expect(await sessions()).toEqual(['paid.qz9@example.com', 'unpaid.qz9@example.com']);

    // 10 days on: nothing is due yet
    expect(await buyers.enforceRetention(new Date(Date.now() + 10 * DAY))).toEqual({
      unpaid_sessions: 0,
      expired_reports: 0,
    });
    // 31 days on: the unpaid session is past CALCULATOR_UNPAID_RETENTION_DAYS (30), the bundle report expired
    const result = await buyers.enforceRetention(new Date(Date.now() + 31 * DAY));
    expect(result.expired_reports).toBeGreaterThanOrEqual(1);
    expect(result.unpaid_sessions).toBeGreaterThanOrEqual(1);
    expect(await sessions()).toEqual([]);
    const found = await scanDatabase(
      ds,
      ['Qz9Paula', 'Qz9statin', 'unpaid.qz9@example.com', 'paid.qz9@example.com'],
      {
        openers: openers(),
      },
    );
    // the sessions' answers, the report, and the mail to both addresses (nothing else left under them)
    for (const [n, f] of found) expect([n, f]).toEqual([n, []]);
    const [revisions] = await ds.query(
      `SELECT count(*)::int AS n FROM report_revisions v JOIN report_access_tokens t ON t.report_id = v.report_id`,
    );
    expect(revisions.n).toBe(0);
    // the report's link says it expired (the clock of the database has not moved: it was retention)
    const res = await app.inject({ url: `/api/v1/reports/${token}` });
    expect([res.statusCode, res.json().error.code]).toEqual([410, 'report_expired']);
  }, 180_000);
});

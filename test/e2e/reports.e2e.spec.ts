import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PDFParse } from 'pdf-parse';
import { DataSource } from 'typeorm';
import { SECTION_TITLES } from '#libs/reports';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { paidReport } from '../support/paid-report.js';
import { readSse } from '../support/sse-client.js';
import { waitFor } from '../support/wait.js';

const DOCTOR = [1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18, 19, 20, 21];

describe('reports (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig(db.url, { ADMIN_API_KEY: 'admin-key-for-tests-0123456789' });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = await app.getUrl();
    ds = await db.owner();
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await db.drop();
  });

  const get = (url: string) => app.inject({ url });
  const completed = (token: string) =>
    waitFor(async () =>
      (await get(`/api/v1/reports/${token}/status`)).json().status === 'completed' ? true : undefined,
    );

  it('pay → SSE shows all five stages in order → report served as page, JSON and PDF', async () => {
    const { token } = await paidReport(app);
    const stream = await readSse(`${base}/api/v1/reports/${token}/stream`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toContain('text/event-stream');
    const progress = stream.events
      .filter((e) => e.event === 'progress')
      .map((e) => (e.data as { stage: number }).stage);
    expect(progress).toEqual([1, 2, 3, 4, 5]);
    const sections = stream.events
      .filter((e) => e.event === 'section')
      .map((e) => (e.data as { number: number }).number);
    expect(sections).toEqual(DOCTOR);
    expect(stream.events.at(-1)!.event).toBe('complete');
    const ids = stream.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // Resume from the middle: only later events come back.
    const resumed = await readSse(`${base}/api/v1/reports/${token}/stream`, {
      'last-event-id': String(ids[3]),
    });
    expect(resumed.events.map((e) => Number(e.id))).toEqual(ids.slice(4));

    const status = (await get(`/api/v1/reports/${token}/status`)).json();
    expect(status).toMatchObject({
      status: 'completed',
      stage: 5,
      progress: 100,
      time_remaining_seconds: 0,
      revision: 1,
    });

    const json = await get(`/api/v1/reports/${token}`);
    expect(json.statusCode).toBe(200);
    expect(json.headers['cache-control']).toBe('no-store');
    const body = json.json();
    expect(body.sections.map((s: { key: string }) => s.key)).toEqual(
      DOCTOR.map((n) => SECTION_TITLES[n]!.key),
    );
    expect(body.markdown).toContain('## 3. Your daily targets');

    const page = await get(`/r/${token}`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; style-src 'sha256-/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body.split('Michael').length - 1).toBeGreaterThanOrEqual(5);
    // numbered as they appear: the Doctor tier's catalogue numbers jump from 9 to 13, the page does not
    for (const [i, n] of DOCTOR.entries())
      expect(page.body).toContain(`${i + 1}. ${SECTION_TITLES[n]!.title.replace(/'/g, '&#39;')}`);
    expect(page.body).toContain('10. Physician consultation guide');
    expect(page.body).toMatch(/href="\/api\/v1\/reports\/[A-Za-z0-9_-]+\/pdf" download>Download the PDF/);
    expect(page.body).not.toMatch(/shellfish|shrimp|oyster|cheese|milk/i); // shellfish allergy, butter-only dairy
    expect(page.body).toMatch(/Metformin[\s\S]*Lisinopril/);
    expect(page.body).toContain('HbA1c');
    expect(page.body).toContain('Fasting insulin');

    const pdf = await get(`/api/v1/reports/${token}/pdf`);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const parser = new PDFParse({ data: new Uint8Array(pdf.rawPayload) });
    const text = await parser.getText();
    await parser.destroy();
    expect(text.total).toBeGreaterThan(1);
    expect(text.text).toContain('Michael');
    expect(text.text).toContain('10. Physician consultation guide');
    // Michael answered in pounds: the report's weights are in pounds too
    expect(page.body).toMatch(/2–7 lb of water weight/);
    expect(page.body).not.toMatch(/\d kg\b/);

    // The worker's mail.send job settles the outbox row (no SMTP here: `stored`) soon after.
    const mail = await waitFor(async () => {
      const [row] = await ds.query(
        `SELECT template, to_address, status FROM mail_outbox WHERE template = 'report.ready'`,
      );
      return row?.status === 'stored' ? row : undefined;
    });
    expect(mail).toEqual({ template: 'report.ready', to_address: 'michael@example.com', status: 'stored' });

    const [{ access_count }] = await ds.query(
      `SELECT r.access_count::int FROM reports r JOIN report_access_log l ON l.report_id = r.id LIMIT 1`,
    );
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM report_access_log WHERE success`);
    expect(access_count).toBe(n);
  });

  it('regenerate: a new revision, the earlier one unchanged; 409 while generating; 403 when used up', async () => {
    const { token } = await paidReport(app, 'bundle');
    await completed(token);
    const [report] = await ds.query(
      `SELECT r.id FROM reports r JOIN report_revisions v ON v.report_id = r.id WHERE r.tier = 'bundle' LIMIT 1`,
    );
    const [before] = await ds.query(
      `SELECT html, completed_at FROM report_revisions WHERE report_id = $1 AND revision = 1`,
      [report.id],
    );

    const again = await app.inject({ method: 'POST', url: `/api/v1/reports/${token}/regenerate` });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ status: 'queued', revision: 2 });
    const busy = await app.inject({ method: 'POST', url: `/api/v1/reports/${token}/regenerate` });
    expect([409, 403]).toContain(busy.statusCode);
    await completed(token);
    expect((await get(`/api/v1/reports/${token}`)).json().revision).toBe(2);
    const [after] = await ds.query(
      `SELECT html, completed_at FROM report_revisions WHERE report_id = $1 AND revision = 1`,
      [report.id],
    );
    expect(after).toEqual(before);
    await expect(
      ds.query(`UPDATE report_revisions SET html = 'x' WHERE report_id = $1 AND revision = 1`, [report.id]),
    ).rejects.toThrow(/cannot change/);

    const exhausted = await app.inject({ method: 'POST', url: `/api/v1/reports/${token}/regenerate` });
    expect(exhausted.statusCode).toBe(403);
    expect(exhausted.json().error.code).toBe('revisions_exhausted');
  });

  it('409 while a revision is being generated', async () => {
    const { token } = await paidReport(app, 'meal_plan');
    await completed(token);
    const [r] = await ds.query(`SELECT id FROM reports WHERE tier = 'meal_plan' LIMIT 1`);
    await ds.query(`UPDATE reports SET status = 'generating' WHERE id = $1`, [r.id]);
    const res = await app.inject({ method: 'POST', url: `/api/v1/reports/${token}/regenerate` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('report_generating');
    await ds.query(`UPDATE reports SET status = 'completed' WHERE id = $1`, [r.id]);
  });

  it('expired → 410 everywhere (clear page too); unknown → 404', async () => {
    const { token } = await paidReport(app, 'shopping');
    await completed(token);
    await ds.query(
      `UPDATE reports SET expires_at = created_at + interval '1 millisecond' WHERE tier = 'shopping'`,
    );
    const job = await worker.get((await import('#libs/queue')).QueueService).send('reports.expire', {});
    await waitFor(async () =>
      (await ds.query(`SELECT state FROM pgboss.job WHERE id = $1`, [job]))[0]?.state === 'completed'
        ? true
        : undefined,
    );
    expect((await ds.query(`SELECT is_expired FROM reports WHERE tier = 'shopping'`))[0].is_expired).toBe(
      true,
    );

    for (const url of [
      `/api/v1/reports/${token}`,
      `/api/v1/reports/${token}/status`,
      `/api/v1/reports/${token}/pdf`,
    ]) {
      const res = await get(url);
      expect({ url, status: res.statusCode, code: res.json().error.code }).toEqual({
        url,
        status: 410,
        code: 'report_expired',
      });
    }
    const page = await get(`/r/${token}`);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('This report has expired');
    expect((await get(`/api/v1/reports/${'x'.repeat(43)}/status`)).statusCode).toBe(404);
    const missing = await get(`/r/${'y'.repeat(43)}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain('Report not found');
  });

  it('admin stats need the admin key', async () => {
    expect((await get('/api/v1/admin/reports/stats')).statusCode).toBe(401);
    const res = await app.inject({
      url: '/api/v1/admin/reports/stats?days=7',
      headers: { 'x-admin-key': 'admin-key-for-tests-0123456789' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().counts).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 'completed' })]),
    );
    expect(res.json().latency.p95).toBeGreaterThan(0);
  });
});

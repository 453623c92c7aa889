import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { freePort } from '#libs/db/embedded';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createApiApp } from '../support/api-app.js';
import { outsideHomes, scanDatabase } from '../support/data-scanner.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { paidReport } from '../support/paid-report.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import { tusUpload } from '../support/tus-upload.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';

/** Distinctive health values in bad cells of a customers file: they must end up nowhere. */
const BAD_WEIGHT = '987654.321';
const BAD_AGE = 'forty-two-HX7Q';
const BAD_HEIGHT = '=HYPERLINK("http://evil.example/","click")';

/**
 * Attack round two found secrets and health data at rest outside their homes: the report token in
 * idempotency_keys.path, an unkeyed fingerprint of a step-1 body, raw health values inside
 * PostgreSQL's error text in a customers file's rejected rows. After a full funnel, a regenerate
 * and a customers file with bad health cells, every table and column is searched.
 */
describe('nothing recoverable at rest (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let smtp: SmtpReceiver;
  let v: VendorClient;
  let uploadDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await new SmtpReceiver().start();
    uploadDir = await mkdtemp(path.join(os.tmpdir(), 'nrp-at-rest-'));
    const port = await freePort();
    const config = testConfig(db.url, {
      ADMIN_API_KEY: ADMIN_KEY,
      SMTP_URL: smtp.url,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      INGEST_UPLOAD_DIR: uploadDir,
    });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    await app.listen(port, '127.0.0.1');
    ds = await db.owner();
    v = (await createVendor(app, 'at-rest')).client;
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await smtp.stop();
    await db.drop();
    await rm(uploadDir, { recursive: true, force: true });
  });

  it('keeps no report token, checkout id or health value outside its home', async () => {
    // the consumer funnel, paid, its report written, then regenerated
    const { token, checkoutId, client } = await paidReport(app);
    // a step-1 body under an Idempotency-Key (the session is paid, so it is a stored 409)
    const step1 = await client.request(
      'POST',
      '/calculator/step/1',
      { sex: 'male', age: 35, height_cm: 178, weight_kg: 84 },
      {
        'idempotency-key': 'step-1',
      },
    );
    expect(step1.statusCode).toBe(409);
    const status = async () => (await app.inject({ url: `/api/v1/reports/${token}/status` })).json();
    await waitFor(async () => ((await status()).status === 'completed' ? true : undefined), 60_000);
    const regen = await app.inject({
      method: 'POST',
      url: `/api/v1/reports/${token}/regenerate`,
      headers: { 'idempotency-key': 'regen-1' },
      payload: {},
    });
    expect([200, 202]).toContain(regen.statusCode);
    await waitFor(async () => ((await status()).status === 'completed' ? true : undefined), 60_000);

    // a customers file with bad health cells
    const csv = [
      'external_id,first_name,sex,age,height_cm,weight_kg,conditions',
      'C-1,Good,female,40,165,70,',
      `C-2,Bad,male,${BAD_AGE},180,${BAD_WEIGHT},hypertension`,
      `C-3,Worse,female,33,"${BAD_HEIGHT.replace(/"/g, '""')}",60,`,
    ].join('\n');
    const job = (await v.request('POST', '/ingest/csv?mode=customers', {})).json();
    await tusUpload(job.upload_url, Buffer.from(csv), v.token);
    const done = await waitFor(async () => {
      const j = (await v.request('GET', `/ingest/jobs/${job.job_id}`)).json();
      return ['completed', 'failed'].includes(j.status) ? j : undefined;
    }, 60_000);
    expect(done).toMatchObject({ status: 'completed', rows_inserted: 1, rows_failed: 2 });
    const errors = (await v.request('GET', `/ingest/jobs/${job.job_id}/errors.csv`)).body;
    // the rule and the column, never the value; no cell a spreadsheet would run
    expect(errors).toContain('age,,must be a number');
    expect(errors).toContain('weight_kg,,must be between');
    for (const value of [BAD_WEIGHT, BAD_AGE, 'HYPERLINK']) expect(errors).not.toContain(value);

    const found = await scanDatabase(ds, [token, checkoutId, BAD_WEIGHT, BAD_AGE, 'HYPERLINK']);
    // the report token: nowhere (only its digest is stored) — the report mail, once sent, keeps no body
    expect(found.get(token)).toEqual([]);
    // the checkout id: only where the payment is recorded
    expect(outsideHomes(found.get(checkoutId)!, ['payments', 'sandbox_checkouts'])).toEqual([]);
    for (const value of [BAD_WEIGHT, BAD_AGE, 'HYPERLINK'])
      expect([value, found.get(value)]).toEqual([value, []]);

    // idempotency rows: the route pattern and a keyed fingerprint
    const keys = await ds.query(`SELECT path, fingerprint FROM idempotency_keys`);
    expect(keys.length).toBeGreaterThanOrEqual(3);
    for (const k of keys) {
      expect(k.path).toMatch(/^\/api\/v1\/[a-z0-9/_:.-]*$/);
      expect(k.path).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|cs_sandbox|rt_/);
      expect(k.fingerprint).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    }
  }, 180_000);

  it('writes errors.csv cells a spreadsheet opens as text (OWASP CSV injection)', async () => {
    const csv = [
      'external_id,name,category,price_cents',
      '=HYPERLINK("http://evil.example"),Bar,bars,100',
      'P-2,@SUM(A1),bars,-3',
      'P-3,Bar,bars,+cmd|calc',
      'P-4,Bar,bars,-12.5',
    ].join('\n');
    const job = (await v.request('POST', '/ingest/csv?mode=products', {})).json();
    await tusUpload(job.upload_url, Buffer.from(csv), v.token);
    await waitFor(async () => {
      const j = (await v.request('GET', `/ingest/jobs/${job.job_id}`)).json();
      return ['completed', 'failed'].includes(j.status) ? j : undefined;
    }, 60_000);
    const errors = (await v.request('GET', `/ingest/jobs/${job.job_id}/errors.csv`)).body as string;
    const cells = errors.split('\n').flatMap((line) => line.split(',').map((c) => c.replace(/^"/, '')));
    expect(cells.filter((c) => /^[=+@]/.test(c) || /^-[^0-9]/.test(c))).toEqual([]);
    expect(errors).toContain(`'+cmd|calc`);
    // a plain negative number stays as sent
    expect(errors).toMatch(/,-3,|,-12\.5,/);
  }, 60_000);
});

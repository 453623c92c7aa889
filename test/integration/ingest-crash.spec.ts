import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { createApiApp } from '../support/api-app.js';
import { freePort } from '#libs/db/embedded';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { tusUpload } from '../support/tus-upload.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';
import { workerProcesses } from '../support/worker-processes.js';

/**
 * A worker SIGKILLed in the middle of a merge: the batches it committed stay (with their counts
 * and checkpoint), the one in flight rolls back, and the retried job — on another worker —
 * resumes after the checkpoint. The catalogue and the counts then equal a clean run's.
 */
describe('ingest survives a killed worker (integration)', () => {
  const ROWS = 1000;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let uploadDir: string;
  let env: NodeJS.ProcessEnv;

  const workers = workerProcesses(() => env);
  const startWorker = () => workers.start();
  const csv = (changed: boolean) => {
    const lines = ['sku,name,brand,price_cents,calories,protein_g,dietary_tags'];
    for (let i = 1; i <= ROWS; i++) {
      const bump = changed && i % 3 === 0 ? 1 : 0;
      lines.push(
        `P-${i},Bar ${i},Brand ${i % 7},${100 + i + bump},${200 + (i % 50)},${10 + (i % 9)},vegan|gluten_free`,
      );
    }
    if (changed)
      for (let i = ROWS + 1; i <= ROWS + 200; i++) lines.push(`P-${i},New bar ${i},Brand 1,300,250,12,vegan`);
    return Buffer.from(lines.join('\n') + '\n');
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    uploadDir = await mkdtemp(path.join(os.tmpdir(), 'nrp-crash-uploads-'));
    const port = await freePort();
    const settings = {
      ADMIN_API_KEY: ADMIN_KEY,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      INGEST_UPLOAD_DIR: uploadDir,
      INGEST_BATCH_ROWS: '100',
      // the default: a re-ingest's batches run two at a time, committed in order
      INGEST_PARALLELISM: '2',
      QUEUE_SUPERVISE_INTERVAL_SECONDS: '1',
      QUEUE_HEARTBEAT_SECONDS: '10',
    };
    env = {
      ...process.env,
      ...settings,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      WORKER_QUEUES: 'ingest.csv',
    };
    app = await createApiApp(testConfig(db.url, settings));
    await app.listen(port, '127.0.0.1');
  });

  afterAll(async () => {
    workers.killAll();
    await app.close();
    await db.drop();
    await rm(uploadDir, { recursive: true, force: true });
  });

  const job = async (c: VendorClient, id: string) => (await c.request('GET', `/ingest/jobs/${id}`)).json();
  const ingest = async (c: VendorClient, body: Buffer) => {
    const res = (await c.request('POST', '/ingest/csv?mode=products', {})).json();
    await tusUpload(res.upload_url, body, c.token);
    return res.job_id as string;
  };
  const done = (c: VendorClient, id: string, timeoutMs = 60_000) =>
    waitFor(async () => {
      const j = await job(c, id);
      return ['completed', 'failed'].includes(j.status) ? j : undefined;
    }, timeoutMs);
  const catalogue = async (vendorId: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT external_id, name, brand, price_cents, calories, protein_g, dietary_tags FROM products WHERE vendor_id = $1 ORDER BY external_id`,
        [vendorId],
      );
      return rows;
    } finally {
      await client.end();
    }
  };

  /** A connection in a transaction that holds a product's row lock (ROLLBACK and end it after). */
  const holdingRow = async (vendorId: string, externalId: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('BEGIN');
    await client.query(`SELECT 1 FROM products WHERE vendor_id = $1 AND external_id = $2 FOR UPDATE`, [
      vendorId,
      externalId,
    ]);
    return client;
  };

  it('resumes after the last committed batch and ends where a clean run ends', async () => {
    const a = (await createVendor(app, 'crash-a')).client;
    const b = (await createVendor(app, 'crash-b')).client;
    let worker = startWorker();
    // both vendors get the same first load
    for (const c of [a, b])
      expect(await done(c, await ingest(c, csv(false)))).toMatchObject({
        status: 'completed',
        rows_inserted: ROWS,
      });

    // Hold a lock on a row the third batch (lines 201–300) updates: the merge stops there.
    const blocker = await holdingRow(a.vendorId, 'P-252');
    const crashed = await ingest(a, csv(true));
    const midway = await waitFor(async () => {
      const j = await job(a, crashed);
      return j.phase === 'merge' && j.rows_processed >= 199 ? j : undefined;
    });
    expect(midway.status).toBe('running');
    // The batch after it (lines 301–400) runs on the job's second connection: it merges, then waits
    // (for the blocked batch's lock) for the blocked batch to commit first. Were the order not kept, it
    // would commit and record line 400 as merged, and the resumed job would skip lines 201–300.
    await waitFor(async () => {
      const { rows } = await blocker.query(
        `SELECT count(*) FILTER (WHERE wait_event = 'advisory')::int AS ordered
           FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      const j = await job(a, crashed);
      return rows[0].ordered >= 1 || j.rows_processed >= 299 ? true : undefined;
    });
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    await blocker.query('ROLLBACK');
    await blocker.end();
    const [before] = await catalogue(a.vendorId).then((rows) =>
      rows.filter((r) => r.external_id === 'P-300'),
    );
    expect(before.price_cents).toBe(400); // the batch in flight did not commit

    worker = startWorker();
    const resumed = await done(a, crashed);
    const clean = await done(b, await ingest(b, csv(true)));
    expect(resumed).toMatchObject({ status: 'completed', attempts: 2 });
    expect(clean).toMatchObject({
      status: 'completed',
      attempts: 1,
      rows_inserted: 200,
      rows_updated: 333,
      rows_unchanged: 667,
    });
    for (const k of ['rows_total', 'rows_inserted', 'rows_updated', 'rows_unchanged', 'rows_failed'])
      expect(resumed[k]).toBe(clean[k]);
    expect(await catalogue(a.vendorId)).toEqual(await catalogue(b.vendorId));
  }, 120_000);

  it('lets PostgreSQL break a lock cycle through two batches instead of hanging', async () => {
    const c = (await createVendor(app, 'cycle-c')).client;
    startWorker();
    expect(await done(c, await ingest(c, csv(false)))).toMatchObject({ status: 'completed' });
    const other = await holdingRow(c.vendorId, 'P-252');
    const id = await ingest(c, csv(true));
    // the third batch waits for P-252; the fourth has updated P-300 (it holds the row) and waits for
    // the third to commit
    const probe = new pg.Client({ connectionString: db.url });
    await probe.connect();
    await waitFor(async () => {
      await probe.query('BEGIN');
      const held = await probe
        .query(`SELECT 1 FROM products WHERE vendor_id = $1 AND external_id = 'P-300' FOR UPDATE NOWAIT`, [
          c.vendorId,
        ])
        .then(
          () => false,
          (err: { code?: string }) => err.code === '55P03',
        );
      await probe.query('ROLLBACK');
      return held ? true : undefined;
    });
    await probe.end();
    // now the other transaction wants a row the fourth batch holds: a cycle through both batches
    const outcome = await other
      .query(`SELECT 1 FROM products WHERE vendor_id = $1 AND external_id = 'P-300' FOR UPDATE`, [c.vendorId])
      .then(
        () => 'locked', // the batch gave way (rolled back; its job retries)
        (err: { code?: string }) => err.code, // or the other transaction did
      );
    await other.query('ROLLBACK');
    await other.end();
    expect(['locked', '40P01']).toContain(outcome);
    expect(await done(c, id, 90_000)).toMatchObject({
      status: 'completed',
      rows_inserted: 200,
      rows_updated: 333,
    });
    const prices = Object.fromEntries(
      (await catalogue(c.vendorId)).map((r: { external_id: string; price_cents: number }) => [
        r.external_id,
        r.price_cents,
      ]),
    );
    expect([prices['P-252'], prices['P-300'], prices['P-301'], Object.keys(prices).length]).toEqual([
      353, 401, 401, 1200,
    ]);
  }, 120_000);
});

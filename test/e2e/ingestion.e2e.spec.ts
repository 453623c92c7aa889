import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { freePort } from '#libs/db/embedded';
import { IngestService, UPLOAD_STORE, type UploadStore } from '../../libs/ingestion/src/index.js';
import { skipUnchangedSql, type SkipStrategy } from '../../libs/catalogue/src/bulk/products-bulk-sql.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { CuttingProxy, tusUpload } from '../support/tus-upload.js';
import { ADMIN_KEY, createVendor, product, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';
import { WebhookReceiver, verifyDelivery } from '../support/webhook-receiver.js';

const HEADER =
  'external_id,name,brand,category,price_cents,calories,protein_g,sugar_g,sodium_mg,serving_size_g,dietary_tags,allergens,gtin,in_stock,ingredients';
const good = (i: number, over: Partial<Record<string, string>> = {}) => {
  const r: Record<string, string> = {
    external_id: `SKU-${String(i).padStart(5, '0')}`,
    name: `Oat bar ${i}`,
    brand: 'Kalomi',
    category: 'bars',
    price_cents: String(100 + i),
    calories: String(150 + (i % 50)),
    protein_g: String(5 + (i % 20)),
    sugar_g: '4.5',
    sodium_mg: '120',
    serving_size_g: '40',
    dietary_tags: 'vegetarian|high_protein',
    allergens: 'oats',
    gtin: String(4000000000000 + i),
    in_stock: 'true',
    ingredients: 'oats; honey',
    ...over,
  };
  return HEADER.split(',')
    .map((c) => r[c]!)
    .join(',');
};

describe('ingestion: TUS upload → COPY → validate → merge (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let ds: DataSource;
  let v: VendorClient;
  let other: VendorClient;
  let base: string;
  let port: number;
  let uploadDir: string;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    db = await createTestDatabase();
    uploadDir = await mkdtemp(path.join(os.tmpdir(), 'nrp-uploads-'));
    receiver = await new WebhookReceiver().start();
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const config = testConfig(db.url, {
      ADMIN_API_KEY: ADMIN_KEY,
      PORT: String(port),
      PUBLIC_BASE_URL: base,
      INGEST_UPLOAD_DIR: uploadDir,
      INGEST_BATCH_ROWS: '100',
      LOG_LEVEL: process.env.DEBUG_INGEST ? 'info' : 'silent',
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    await app.listen(port, '127.0.0.1');
    ds = await db.owner();
    v = (await createVendor(app, 'ingesting')).client;
    other = (await createVendor(app, 'someone-else')).client;
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await receiver.stop();
    await db.drop();
    await rm(uploadDir, { recursive: true, force: true });
  });

  const start = async (c: VendorClient, mode: string, mapping?: Record<string, string>) => {
    const res = await c.request('POST', `/ingest/csv?mode=${mode}`, mapping ? { mapping } : {});
    expect(res.statusCode).toBe(201);
    return res.json() as { job_id: string; upload_url: string; resumable: boolean; max_size_bytes: number };
  };
  const finished = (c: VendorClient, id: string) =>
    waitFor(async () => {
      const j = (await c.request('GET', `/ingest/jobs/${id}`)).json();
      if (process.env.DEBUG_INGEST)
        console.log(
          JSON.stringify(j),
          JSON.stringify(
            await ds.query(
              `SELECT j.name, j.state, j.singleton_key, j.output, j.retry_count FROM pgboss.job j WHERE j.name NOT LIKE 'webhook%'`,
            ),
          ),
        );
      return ['completed', 'failed'].includes(j.status) ? j : undefined;
    }, 60_000);
  /**
   * Ingests `file` as a first load while a lock the swap's DETACH waits for is held (API writes
   * still pass): `during` runs once the load is built and analysed but not yet visible, and the
   * job must still be running after it. Returns the finished job.
   */
  const duringFirstLoadSwap = async (
    c: VendorClient,
    mode: 'products' | 'customers',
    file: Buffer,
    during: () => Promise<void>,
  ) => {
    const blocker = await ds.createQueryRunner();
    await blocker.startTransaction();
    await blocker.query(`LOCK TABLE ${mode} IN SHARE UPDATE EXCLUSIVE MODE`);
    let jobId = '';
    try {
      const job = await start(c, mode);
      jobId = job.job_id;
      await tusUpload(job.upload_url, file, c.token);
      await waitFor(async () => {
        const j = (await c.request('GET', `/ingest/jobs/${jobId}`)).json();
        return j.phase_seconds.analyze !== undefined ? j : undefined;
      });
      await during();
      expect((await c.request('GET', `/ingest/jobs/${jobId}`)).json().status).toBe('running');
    } finally {
      await blocker.commitTransaction();
      await blocker.release();
    }
    return finished(c, jobId);
  };
  /**
   * How a vendor's leaves of `parent` are set up — storage options, statistics targets of every
   * column and index expression — as one description per distinct setup (a tree set up alike has one).
   */
  const leafSetups = async (vendorId: string, parent: string) =>
    (
      await ds.query(
        `SELECT DISTINCT array_to_string(c.reloptions, ',') AS options,
                (SELECT string_agg(a.attname || '=' || coalesce(a.attstattarget, -1), ',' ORDER BY a.attnum)
                   FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns,
                (SELECT string_agg(coalesce(a.attstattarget, -1)::text, ','
                          ORDER BY regexp_replace(pg_get_indexdef(x.indexrelid), '^.* USING ', ''), a.attnum)
                   FROM pg_index x JOIN pg_attribute a ON a.attrelid = x.indexrelid
                  WHERE x.indrelid = c.oid AND x.indkey[a.attnum - 1] = 0) AS expressions
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = $1::regclass`,
        [`${parent}_${vendorId.replace(/-/g, '')}`],
      )
    ).map((r: { options: string | null; columns: string; expressions: string | null }) => r);
  const ingest = async (
    c: VendorClient,
    mode: string,
    csv: string | Buffer,
    mapping?: Record<string, string>,
  ) => {
    const job = await start(c, mode, mapping);
    await tusUpload(job.upload_url, Buffer.isBuffer(csv) ? csv : Buffer.from(csv), c.token);
    return finished(c, job.job_id);
  };
  const errorsCsv = async (c: VendorClient, id: string) => {
    const res = await c.request('GET', `/ingest/jobs/${id}/errors.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    return res.body;
  };

  it('loads a messy file: BOM, CRLF, quoted commas/quotes/newlines, blank lines, trailing delimiters; 1% bad rows reported exactly', async () => {
    const ep = await v.request('POST', '/webhooks/endpoints', {
      url: `${receiver.url}/ingest`,
      events: ['ingestion.completed'],
    });
    expect(ep.statusCode).toBe(201);
    const lines: string[] = [HEADER];
    for (let i = 1; i <= 500; i++) lines.push(good(i));
    // special-but-valid rows
    lines[10] = good(10, { name: '"Bar, with comma and ""quotes"""' });
    lines[11] = good(11, { ingredients: '"oats,\nhoney"' }); // a quoted line break
    lines[12] = good(12) + ','; // trailing delimiter
    lines.splice(20, 0, '', ',,,,'); // blank lines
    // bad rows (5 of 500 = 1%), each of a different kind
    lines[100] = good(98, { calories: 'lots' }); // not a number
    lines[150] = good(148, { protein_g: '-3' }); // out of range
    lines[200] = good(198, { name: '' }); // required
    lines[250] = good(248, { gtin: '12AB' }); // pattern
    lines[300] = good(298) + ',extra,fields'; // wrong field count
    // a duplicate external id: the later line wins
    lines.push(good(7, { name: 'Oat bar 7 (new)' }));
    const csv = '\uFEFF' + lines.join('\r\n') + '\r\n';
    const job = await ingest(v, 'products', csv);
    expect(job).toMatchObject({
      status: 'completed',
      rows_total: 501,
      rows_failed: 6,
      rows_inserted: 495,
      progress: 1,
    });
    const errors = (await errorsCsv(v, job.job_id)).trim().split('\n');
    expect(errors[0]).toBe('line,column,value,reason,severity');
    expect(errors).toHaveLength(7);
    // line numbers are the file's (the quoted line break in line 12 shifts the rest by one)
    expect(errors.slice(1)).toEqual([
      '8,external_id,SKU-00007,duplicate external_id: line 505 has the same id and is used instead,error',
      '102,calories,lots,must be a number,error',
      '152,protein_g,-3,must be between 0 and 1000,error',
      '202,name,,is required,error',
      '252,gtin,12AB,must be 8 to 14 digits,error',
      expect.stringMatching(
        /^302,,"SKU-00298,Oat bar 298,.*,extra,fields","expected 15 fields, found 17",error$/,
      ),
    ]);
    const [row] = await ds.query(
      `SELECT name, dietary_tags, in_stock FROM products WHERE vendor_id = $1 AND external_id = 'SKU-00010'`,
      [v.vendorId],
    );
    expect(row).toEqual({
      name: 'Bar, with comma and "quotes"',
      dietary_tags: ['high_protein', 'vegetarian'], // canonical codes, in order
      in_stock: true,
    });
    const [two] = await ds.query(
      `SELECT ingredients FROM products WHERE vendor_id = $1 AND external_id = 'SKU-00011'`,
      [v.vendorId],
    );
    expect(two.ingredients).toBe('oats,\nhoney');
    const [seven] = await ds.query(
      `SELECT name FROM products WHERE vendor_id = $1 AND external_id = 'SKU-00007'`,
      [v.vendorId],
    );
    expect(seven.name).toBe('Oat bar 7 (new)');
    // searchable at once (indexes built and attached)
    const search = await v.request('GET', `/search?q=oat%20bar&limit=5`);
    expect(search.json().data.length).toBe(5);
    // the webhook carries the counts
    const [hook] = await receiver.waitFor('/ingest');
    expect(verifyDelivery(hook!, ep.json().secret)).toMatchObject({
      type: 'ingestion.completed',
      data: { job_id: job.job_id, rows_inserted: 495, rows_failed: 6 },
    });
    // the completed ingest queued the vendor's directory figures and analytics (the worker derives them)
    const figures = await waitFor(async () => {
      const [row] = await ds.query(
        `SELECT s.product_count, s.catalogue_updated_at, a.products AS analytics_products
           FROM vendor_catalogue_stats s JOIN catalogue_analytics a USING (vendor_id) WHERE vendor_id = $1`,
        [v.vendorId],
      );
      return row;
    }, 30_000);
    expect(figures).toMatchObject({ product_count: 495, analytics_products: 495 });

    // the same file again: nothing changes
    const again = await ingest(v, 'products', csv);
    expect(again).toMatchObject({
      status: 'completed',
      rows_inserted: 0,
      rows_updated: 0,
      rows_unchanged: 495,
      rows_failed: 6,
    });

    // The second run skipped every line: each product carries the digest of its line. A product
    // changed through the API loses its digest, so the same file again puts the file's values back
    // (a skipped line would have left the API's price in place).
    const digests = async () =>
      (await ds.query(
        `SELECT external_id, source_digest, price_cents FROM products WHERE vendor_id = $1 ORDER BY external_id`,
        [v.vendorId],
      )) as { external_id: string; source_digest: string | null; price_cents: number }[];
    expect((await digests()).filter((p) => p.source_digest === null)).toEqual([]);
    const [five] = await ds.query(
      `SELECT id FROM products WHERE vendor_id = $1 AND external_id = 'SKU-00005'`,
      [v.vendorId],
    );
    expect((await v.request('PATCH', `/products/${five.id}`, { price_cents: 1 })).statusCode).toBe(200);
    const patched = (await digests()).find((p) => p.external_id === 'SKU-00005')!;
    expect(patched).toMatchObject({ source_digest: null, price_cents: 1 });
    const restored = await ingest(v, 'products', csv);
    expect(restored).toMatchObject({
      status: 'completed',
      rows_updated: 1,
      rows_unchanged: 494,
      rows_failed: 6,
    });
    expect((await digests()).find((p) => p.external_id === 'SKU-00005')).toMatchObject({
      source_digest: expect.any(String),
      price_cents: 105,
    });

    // Every way of setting lines aside (probing per line for a small file, one scan of the
    // catalogue for a big one, the lines the copy marked from the digests it held) finds exactly
    // the lines whose product still carries their digest.
    const setAside = async (strategy: SkipStrategy) => {
      await ds.query(`DROP TABLE IF EXISTS skip_stage, skip_out`);
      await ds.query(
        `CREATE TABLE skip_stage AS SELECT row_number() OVER (ORDER BY external_id) AS line_no, NULL::text AS problem,
                CASE WHEN external_id IN ('SKU-00003', 'SKU-00004') THEN gen_random_uuid() ELSE source_digest END AS digest,
                external_id NOT IN ('SKU-00003', 'SKU-00004') AS unchanged, external_id AS f_external_id
           FROM products WHERE vendor_id = $1`,
        [v.vendorId],
      );
      await ds.query(`CREATE TABLE skip_out (line_no bigint, id uuid, external_id text)`);
      for (const part of [0, 1]) {
        const sql = skipUnchangedSql(
          'skip_stage',
          'skip_out',
          v.vendorId,
          'f_external_id',
          part,
          2,
          strategy,
        );
        const runner = ds.createQueryRunner();
        await runner.query(sql);
        await runner.query('RESET ALL'); // its SET lines stay on the session, as on a pipeline connection
        await runner.release();
      }
      // the SQL ways take the lines out of the stage; marked ones stay there, left out by their mark
      return ds.query(
        `SELECT (SELECT count(*)::int FROM skip_out) AS skipped,
                (SELECT count(*)::int FROM skip_stage WHERE ${strategy === 'marked' ? 'NOT unchanged' : 'true'}) AS left,
                (SELECT array_agg(f_external_id ORDER BY 1) FROM skip_stage WHERE ${strategy === 'marked' ? 'NOT unchanged' : 'true'}) AS kept,
                (SELECT count(*)::int FROM skip_out o JOIN products p ON p.vendor_id = $1 AND p.id = o.id
                   AND p.external_id = o.external_id) AS matched`,
        [v.vendorId],
      );
    };
    for (const strategy of ['probe', 'scan', 'marked'] as const)
      expect(await setAside(strategy)).toEqual([
        { skipped: 493, left: 2, kept: ['SKU-00003', 'SKU-00004'], matched: 493 },
      ]);
    await ds.query(`DROP TABLE skip_stage, skip_out`);

    // Duplicates and skipped lines. SKU-00007 has two lines in `lines` already (the last wins).
    const product7 = async () =>
      (
        await ds.query(
          `SELECT name, price_cents FROM products WHERE vendor_id = $1 AND external_id = 'SKU-00007'`,
          [v.vendorId],
        )
      )[0];
    // (a) an unchanged line (skipped) followed by a changed one for the same id: the later one wins
    const x = good(7, { name: 'Oat bar 7 (new)', price_cents: '5' });
    const a = await ingest(v, 'products', [...lines, x].join('\n'));
    expect(a).toMatchObject({ status: 'completed', rows_updated: 1, rows_failed: 7 });
    expect(await product7()).toEqual({ name: 'Oat bar 7 (new)', price_cents: 5 });
    // (b) changed lines followed by the unchanged one (skipped): the skipped last line still wins,
    // and the earlier ones are reported as duplicates, not written
    const y = good(7, { name: 'Oat bar 7 (renamed)', price_cents: '9' });
    const b = await ingest(v, 'products', [...lines, y, x].join('\n'));
    expect(b).toMatchObject({ status: 'completed', rows_updated: 0, rows_failed: 8 });
    expect(await product7()).toEqual({ name: 'Oat bar 7 (new)', price_cents: 5 });
    const dupErrors = (await errorsCsv(v, b.job_id)).trim().split('\n');
    expect(dupErrors.filter((l) => l.startsWith('8,') || l.includes('duplicate external_id'))).toHaveLength(
      3,
    );
    // back to the file everything below expects
    expect(await ingest(v, 'products', csv)).toMatchObject({ status: 'completed', rows_updated: 1 });

    // 4 rows changed (three without their text, one renamed), 1 new
    const changed = [...lines];
    changed[1] = good(1, { price_cents: '999' });
    changed[2] = good(2, { dietary_tags: 'vegan' });
    changed[3] = good(3, { in_stock: 'no' });
    changed[4] = good(4, { name: 'Quinoa crunch 4' });
    changed.push(good(9999));
    const third = await ingest(v, 'products', changed.join('\n'));
    expect(third).toMatchObject({
      status: 'completed',
      rows_inserted: 1,
      rows_updated: 4,
      rows_unchanged: 491,
    });
    const [one, four] = await ds.query(
      `SELECT price_cents, title_tsv::text AS title FROM products WHERE vendor_id = $1 AND external_id = ANY($2)
        ORDER BY external_id`,
      [v.vendorId, ['SKU-00001', 'SKU-00004']],
    );
    expect(one).toEqual({ price_cents: 999, title: expect.stringContaining("'oat'") });
    // the renamed one's full-text columns follow its new name
    expect(four.title).toContain("'quinoa'");
    const renamed = await v.request('GET', `/search?q=quinoa`);
    expect(renamed.json().data.map((h: { external_id: string }) => h.external_id)).toEqual(['SKU-00004']);
  });

  it('lets admin and ingest keys ingest, and no other role', async () => {
    const key = async (role: string) =>
      v.as((await v.request('POST', '/api-keys', { name: role, role })).json().key);
    const ingestKey = await key('ingest');
    expect((await ingestKey.request('POST', '/ingest/csv?mode=customers', {})).statusCode).toBe(201);
    expect((await ingestKey.request('GET', '/ingest/jobs')).statusCode).toBe(200);
    expect((await ingestKey.request('GET', '/search?q=bar')).statusCode).toBe(403);
    for (const role of ['editor', 'analyst']) {
      const other = await key(role);
      expect((await other.request('POST', '/ingest/csv?mode=products', {})).statusCode).toBe(403);
      expect((await other.request('GET', '/ingest/jobs')).statusCode).toBe(403);
    }
  });

  it('maps headers by synonym and by the explicit mapping', async () => {
    const csv =
      'SKU,Product Name,Price,Kcal,Protein per serving,Colour\nSYN-1,Apple chips,3.49,120,1.5,red\nSYN-2,Pear chips,2,110,1,green\n';
    const job = await ingest(v, 'products', csv, { 'Protein per serving': 'protein_g' });
    expect(job).toMatchObject({ status: 'completed', rows_inserted: 2 });
    expect(job.columns).toEqual({
      mapped: {
        SKU: 'external_id',
        'Product Name': 'name',
        Price: 'price',
        Kcal: 'calories',
        'Protein per serving': 'protein_g',
      },
      ignored: ['Colour'],
    });
    const rows = await ds.query(
      `SELECT external_id, price_cents, calories, protein_g FROM products WHERE vendor_id = $1 AND external_id LIKE 'SYN-%' ORDER BY 1`,
      [v.vendorId],
    );
    expect(rows).toEqual([
      { external_id: 'SYN-1', price_cents: 349, calories: 120, protein_g: 1.5 },
      { external_id: 'SYN-2', price_cents: 200, calories: 110, protein_g: 1 },
    ]);
  });

  it('fails a file that is empty, binary, or lacks a required column — with a clear reason', async () => {
    const empty = await ingest(v, 'products', Buffer.alloc(0));
    expect(empty).toMatchObject({ status: 'failed', error: 'the file is empty' });
    const binary = await ingest(
      v,
      'products',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    );
    expect(binary.status).toBe('failed');
    expect(binary.error).toMatch(/not a CSV text file/);
    const missing = await ingest(v, 'products', 'sku,brand\nA-1,Kalomi\n');
    expect(missing).toMatchObject({ status: 'failed' });
    expect(missing.error).toMatch(/missing required column: name/);
    const headerOnly = await ingest(v, 'products', 'sku,name\n');
    expect(headerOnly.error).toBe('the file has a header but no rows');
    const badMapping = await v.request('POST', '/ingest/csv?mode=products', { mapping: { Foo: 'colour' } });
    expect(badMapping.statusCode).toBe(400);
    const badMode = await v.request('POST', '/ingest/csv?mode=recipes', {});
    expect(badMode.statusCode).toBe(400);
  });

  it("refuses another vendor's upload, and writes after the upload completed", async () => {
    const job = await start(v, 'products');
    const create = (c: VendorClient) =>
      app.inject({
        method: 'POST',
        url: `/api/v1/ingest/uploads/${job.job_id}`,
        headers: { authorization: `Bearer ${c.token}`, 'tus-resumable': '1.0.0', 'upload-length': '10' },
      });
    expect((await create(other)).statusCode).toBe(404);
    await expect(
      tusUpload(job.upload_url, Buffer.from('sku,name\n'), other.token, { retryDelays: [] }),
    ).rejects.toThrow(/404/);
    const unauthenticated = await app.inject({
      method: 'HEAD',
      url: `/api/v1/ingest/uploads/${job.job_id}`,
      headers: { 'tus-resumable': '1.0.0' },
    });
    expect(unauthenticated.statusCode).toBe(401);
    await tusUpload(job.upload_url, Buffer.from('sku,name\nX-1,Thing\n'), v.token);
    await finished(v, job.job_id);
    const late = await app.inject({
      method: 'PATCH',
      url: `/api/v1/ingest/uploads/${job.job_id}`,
      headers: {
        authorization: `Bearer ${v.token}`,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      payload: 'x',
    });
    expect(late.statusCode).toBe(409);
    const tooBig = await start(v, 'products');
    const big = await app.inject({
      method: 'POST',
      url: `/api/v1/ingest/uploads/${tooBig.job_id}`,
      headers: {
        authorization: `Bearer ${v.token}`,
        'tus-resumable': '1.0.0',
        'upload-length': String(11 * 1024 ** 3),
      },
    });
    expect(big.statusCode).toBe(413);
    // termination: the client abandons its upload, the job fails
    const abandoned = await start(v, 'products');
    const tus = (method: string, extra: Record<string, string> = {}) =>
      fetch(abandoned.upload_url, {
        method,
        headers: { authorization: `Bearer ${v.token}`, 'tus-resumable': '1.0.0', ...extra },
      });
    expect((await tus('POST', { 'upload-length': '100' })).status).toBe(201);
    expect((await tus('DELETE')).status).toBe(204);
    // failed by the time the 204 arrives (it once was failed only after the response was sent)
    const [afterDelete] = await ds.query(`SELECT status FROM ingest_jobs WHERE id = $1`, [abandoned.job_id]);
    expect(afterDelete.status).toBe('failed');
    expect((await v.request('GET', `/ingest/jobs/${abandoned.job_id}`)).json()).toMatchObject({
      status: 'failed',
      error: 'the upload was terminated by the client',
    });
  });

  it('resumes an upload after the connection is cut, and lists jobs', async () => {
    const lines = [HEADER];
    for (let i = 1; i <= 6000; i++) lines.push(good(100_000 + i));
    const body = Buffer.from(lines.join('\n') + '\n');
    const proxy = new CuttingProxy({ host: '127.0.0.1', port }, Math.floor(body.length / 2));
    const proxyPort = await proxy.start();
    try {
      const job = await start(v, 'products');
      const viaProxy = job.upload_url.replace(base, `http://127.0.0.1:${proxyPort}`);
      await tusUpload(viaProxy, body, v.token, { chunkSize: 256 * 1024 });
      expect(proxy.cuts).toBe(1);
      // resumed, not restarted: well under two copies of the file went through
      expect(proxy.forwarded).toBeLessThan(body.length * 1.5);
      const done = await finished(v, job.job_id);
      expect(done).toMatchObject({
        status: 'completed',
        rows_total: 6000,
        rows_inserted: 6000,
        upload_bytes: body.length,
      });
    } finally {
      await proxy.stop();
    }
    const page = (await v.request('GET', '/ingest/jobs?limit=2')).json();
    expect(page.data).toHaveLength(2);
    expect(page.next_cursor).toEqual(expect.any(String));
    const next = (await v.request('GET', `/ingest/jobs?limit=2&cursor=${page.next_cursor}`)).json();
    expect(next.data[0].job_id).not.toBe(page.data[1].job_id);
    expect((await other.request('GET', `/ingest/jobs/${page.data[0].job_id}`)).statusCode).toBe(404);
  });

  it('ingests customers with health data and derives BMR, TDEE and limits set-based', async () => {
    const csv = [
      'customer_id,email,first_name,gender,age,height,weight,activity,conditions,allergies',
      'C-1,ann@example.com,Ann,female,40,165,70,moderate,hypertension|diabetes,peanuts',
      'C-2,ben@example.com,Ben,m,35,180,80,sedentary,,',
      'C-3,cara@example.com,Cara,female,300,165,70,moderate,,',
    ].join('\n');
    const job = await ingest(v, 'customers', csv);
    expect(job).toMatchObject({ status: 'completed', rows_total: 3, rows_inserted: 2, rows_failed: 1 });
    const rows = await ds.query(
      `SELECT c.external_id, h.sex, h.bmr, h.tdee_cached, h.derived_limits -> 'daily_limits' AS limits
         FROM customers c JOIN customer_health h ON h.vendor_id = c.vendor_id AND h.customer_id = c.id
        WHERE c.vendor_id = $1 ORDER BY 1`,
      [v.vendorId],
    );
    // Mifflin-St Jeor: 10·70 + 6.25·165 − 5·40 − 161 = 1370.25; ×1.55 moderate
    expect(rows[0]).toMatchObject({
      external_id: 'C-1',
      sex: 'female',
      limits: { sodium_mg: 1500, sugar_g: 25 },
    });
    expect(rows[0].bmr).toBeCloseTo(1370.25, 1);
    expect(rows[0].tdee_cached).toBeCloseTo(1370.25 * 1.55, 0);
    expect(rows[1]).toMatchObject({ external_id: 'C-2', sex: 'male', limits: {} });
    expect(rows[1].bmr).toBeCloseTo(10 * 80 + 6.25 * 180 - 5 * 35 + 5, 1);
    // errors.csv of a customer file names the column and the reason, never the health value
    const errors = await errorsCsv(v, job.job_id);
    expect(errors).toContain('age,,must be between 0 and 130');
    expect(errors).not.toContain('300');
    const [audit] = await ds.query(`SELECT action FROM audit_log WHERE vendor_id = $1 AND entity_id = $2`, [
      v.vendorId,
      job.job_id,
    ]);
    expect(audit).toBeDefined();
    const again = await ingest(v, 'customers', csv.replace('Ben,m,35,180,80', 'Ben,m,35,180,90'));
    expect(again).toMatchObject({ rows_inserted: 0, rows_updated: 1, rows_unchanged: 1 });
    const [ben] = await ds.query(
      `SELECT h.bmr FROM customers c JOIN customer_health h ON h.vendor_id = c.vendor_id AND h.customer_id = c.id WHERE c.vendor_id = $1 AND c.external_id = 'C-2'`,
      [v.vendorId],
    );
    expect(ben.bmr).toBeCloseTo(10 * 90 + 6.25 * 180 - 5 * 35 + 5, 1);
  });

  it('loads a first customers file beside the live tables and swaps it in: the rows and derivations of a merge, API writes kept', async () => {
    const fresh = (await createVendor(app, 'customers-first')).client;
    const merging = (await createVendor(app, 'customers-merge')).client;
    // a customer the second vendor already has: its import merges in batches (INGEST_BATCH_ROWS 100)
    expect((await merging.request('POST', '/customers', { external_id: 'EARLIER' })).statusCode).toBe(201);
    const conditions = [
      '',
      'hypertension',
      'diabetes|ckd',
      'celiac|lactose_intolerance',
      'gout|heart_disease',
    ];
    const lines = [
      'customer_id,email,first_name,last_name,gender,age,height,weight,activity,conditions,allergies,goals',
    ];
    for (let i = 1; i <= 260; i++)
      lines.push(
        [
          `C-${i}`,
          i % 9 ? `c${i}@example.com` : '',
          `First${i}`,
          i % 4 ? `Last${i}` : '',
          ['female', 'male', 'other', ''][i % 4],
          i % 11 ? String(18 + (i % 70)) : '',
          String(150 + (i % 45)),
          i % 13 ? String(50 + (i % 60)) : '',
          ['sedentary', 'light', 'moderate', 'active', 'very_active', ''][i % 6],
          conditions[i % conditions.length],
          i % 7 ? '' : 'peanuts|milk',
          i % 5 ? '' : 'weight_loss',
        ].join(','),
      );
    lines.push('C-7,dup@example.com,Dup,,female,30,160,60,light,,,'); // a duplicate: this line wins
    lines.push('C-BAD,bad@example.com,Bad,,female,300,160,60,light,,,'); // age out of range
    const csv = Buffer.from(lines.join('\n'));

    const profile = { sex: 'male', age: 50, height_cm: 180, weight_kg: 90, conditions: ['gout'] };
    const first = await duringFirstLoadSwap(fresh, 'customers', csv, async () => {
      for (const externalId of ['API-ONLY', 'C-5'])
        expect(
          (
            await fresh.request('POST', '/customers', {
              external_id: externalId,
              first_name: 'From the API',
              health_profile: profile,
            })
          ).statusCode,
        ).toBe(201);
    });
    const jobId = first.job_id;
    const merged = await ingest(merging, 'customers', csv);
    for (const j of [first, merged])
      expect(j).toMatchObject({ status: 'completed', rows_total: 262, rows_inserted: 260, rows_failed: 2 });
    expect(Object.keys(first.phase_seconds)).toContain('index'); // loaded and swapped in
    expect(Object.keys(merged.phase_seconds)).not.toContain('index'); // merged in batches

    const profiles = (vendorId: string) =>
      ds.query(
        `SELECT c.external_id, c.email, c.first_name, c.last_name, h.sex, h.age, h.height_cm, h.weight_kg,
                h.activity_level, h.conditions, h.allergies, h.goals, h.bmr, h.tdee_cached, h.derived_limits
           FROM customers c LEFT JOIN customer_health h ON h.vendor_id = c.vendor_id AND h.customer_id = c.id
          WHERE c.vendor_id = $1 AND c.external_id LIKE 'C-%' ORDER BY c.external_id`,
        [vendorId],
      );
    const [loaded, batched] = await Promise.all([profiles(fresh.vendorId), profiles(merging.vendorId)]);
    expect(loaded).toHaveLength(260);
    const fromFile = (rows: { external_id: string }[]) => rows.filter((r) => r.external_id !== 'C-5');
    expect(fromFile(loaded)).toEqual(fromFile(batched));
    expect(loaded.find((r: { external_id: string }) => r.external_id === 'C-7')).toMatchObject({
      email: 'dup@example.com',
    });
    // the loaded leaves are set up as create_vendor_partitions sets up a new vendor's
    for (const parent of ['customers', 'customer_health']) {
      const loadedSetup = await leafSetups(fresh.vendorId, parent);
      expect(loadedSetup).toHaveLength(1);
      expect(loadedSetup).toEqual(await leafSetups(merging.vendorId, parent));
    }
    expect((await leafSetups(fresh.vendorId, 'customer_health'))[0].columns).toContain('derived_limits=0');
    // what the API wrote while the file loaded: kept, and it wins over the file's line
    const api = await ds.query(
      `SELECT c.external_id, c.first_name, h.sex, h.conditions, h.bmr FROM customers c
         JOIN customer_health h ON h.vendor_id = c.vendor_id AND h.customer_id = c.id
        WHERE c.vendor_id = $1 AND c.external_id IN ('API-ONLY', 'C-5') ORDER BY 1`,
      [fresh.vendorId],
    );
    expect(api).toEqual([
      { external_id: 'API-ONLY', first_name: 'From the API', sex: 'male', conditions: ['gout'], bmr: 1780 },
      { external_id: 'C-5', first_name: 'From the API', sex: 'male', conditions: ['gout'], bmr: 1780 },
    ]);
    // the import is audited once, with the lines and counts, in the swap's transaction
    const audit = await ds.query(
      `SELECT action, after FROM audit_log WHERE vendor_id = $1 AND entity_id = $2 AND action LIKE 'customer.%'`,
      [fresh.vendorId, jobId],
    );
    expect(audit).toEqual([
      {
        action: 'customer.health_profiles.imported',
        after: { lines: [1, 262], inserted: 260, updated: 0, unchanged: 0 },
      },
    ]);
    // the swapped-in partitions serve the API: a profile read and a second file merged into them
    const [{ id }] = await ds.query(`SELECT id FROM customers WHERE vendor_id = $1 AND external_id = 'C-9'`, [
      fresh.vendorId,
    ]);
    expect((await fresh.request('GET', `/customers/${id}/health-profile`)).json()).toMatchObject({
      conditions: ['gout', 'heart_disease'],
    });
    const again = await ingest(fresh, 'customers', csv);
    expect(again).toMatchObject({ rows_inserted: 0, rows_updated: 1, rows_unchanged: 259 });
  });

  it('keeps products written through the API while a first load was being swapped in (they win)', async () => {
    const w = (await createVendor(app, 'swapping')).client;
    const lines = [HEADER];
    for (let i = 1; i <= 300; i++) lines.push(good(i));
    const job = await duringFirstLoadSwap(w, 'products', Buffer.from(lines.join('\n')), async () => {
      expect((await w.request('POST', '/products', product('API-ONLY'))).statusCode).toBe(201);
      expect(
        (await w.request('POST', '/products', product('SKU-00005', { name: 'Renamed in the API' })))
          .statusCode,
      ).toBe(201);
    });
    expect(job).toMatchObject({ status: 'completed', rows_inserted: 300 });
    const rows = await ds.query(
      `SELECT external_id, name FROM products WHERE vendor_id = $1 AND external_id IN ('API-ONLY', 'SKU-00005', 'SKU-00006') ORDER BY 1`,
      [w.vendorId],
    );
    expect(rows).toEqual([
      { external_id: 'API-ONLY', name: 'Product API-ONLY' },
      { external_id: 'SKU-00005', name: 'Renamed in the API' },
      { external_id: 'SKU-00006', name: 'Oat bar 6' },
    ]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM products WHERE vendor_id = $1`, [
      w.vendorId,
    ]);
    expect(n).toBe(301);
    // the loaded leaves are set up as create_vendor_partitions sets up a new vendor's
    const fresh = (await createVendor(app, 'swapping-compare')).client;
    const [loadedSetup] = await leafSetups(w.vendorId, 'products');
    expect(await leafSetups(w.vendorId, 'products')).toHaveLength(1);
    expect(await leafSetups(fresh.vendorId, 'products')).toEqual([loadedSetup]);
    // four goal orderings, each indexed with and without the category before it
    expect(loadedSetup).toMatchObject({
      options: 'fillfactor=85',
      expressions: '30,30,30,30,30,30,30,30,10,10', // and the two full-text index expressions, as the vectors
    });
    expect(loadedSetup.columns).toContain('search_tsv=10,title_tsv=10');
    expect(loadedSetup.columns).toContain('category=30');
  });

  it('runs one ingest per vendor and mode at a time (the other waits)', async () => {
    const u = (await createVendor(app, 'one-at-a-time')).client;
    const file = (n: number) => {
      const lines = [HEADER];
      for (let i = 1; i <= 2000; i++) lines.push(good(n * 10_000 + i));
      return Buffer.from(lines.join('\n'));
    };
    const [a, b] = [await start(u, 'products'), await start(u, 'products')];
    await Promise.all([tusUpload(a.upload_url, file(1), u.token), tusUpload(b.upload_url, file(2), u.token)]);
    const [ja, jb] = await Promise.all([finished(u, a.job_id), finished(u, b.job_id)]);
    expect([ja.status, jb.status]).toEqual(['completed', 'completed']);
    const [first, second] = [ja, jb].sort((x, y) => Date.parse(x.started_at) - Date.parse(y.started_at));
    expect(Date.parse(second.started_at)).toBeGreaterThanOrEqual(Date.parse(first.finished_at));
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM products WHERE vendor_id = $1`, [
      u.vendorId,
    ]);
    expect(n).toBe(4000);
  });

  it('pulls a vendor feed through the same pipeline, with its credentials sealed', async () => {
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== 'Bearer feed-secret') {
        res.writeHead(401).end();
        return;
      }
      res
        .writeHead(200, { 'content-type': 'text/csv' })
        .end('sku,name,calories\nFEED-1,Feed bar,210\nFEED-2,Feed bar 2,x\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export.csv`;
      const badCron = await v.request('POST', '/ingest/feeds', { url, mode: 'products', cron: 'every day' });
      expect(badCron.statusCode).toBe(400);
      const created = await v.request('POST', '/ingest/feeds', {
        url,
        mode: 'products',
        cron: '0 3 * * *',
        headers: { Authorization: 'Bearer feed-secret' },
      });
      expect(created.statusCode).toBe(201);
      const feed = created.json();
      expect(feed).toMatchObject({
        url,
        mode: 'products',
        cron: '0 3 * * *',
        header_names: ['Authorization'],
      });
      expect(JSON.stringify((await v.request('GET', '/ingest/feeds')).json())).not.toContain('feed-secret');
      const [schedule] = await ds.query(
        `SELECT cron FROM pgboss.schedule WHERE name = 'ingest.feed' AND key = $1`,
        [feed.id],
      );
      expect(schedule).toEqual({ cron: '0 3 * * *' });
      const run = await v.request('POST', `/ingest/feeds/${feed.id}/refresh`);
      expect(run.statusCode).toBe(202);
      const job = await finished(v, run.json().job_id);
      expect(job).toMatchObject({
        status: 'completed',
        source: 'feed',
        feed_id: feed.id,
        rows_inserted: 1,
        rows_failed: 1,
      });
      expect(seen).toEqual(['Bearer feed-secret']);
      const removed = await v.request('DELETE', `/ingest/feeds/${feed.id}`);
      expect(removed.statusCode).toBe(204);
      expect(
        await ds.query(`SELECT 1 FROM pgboss.schedule WHERE name = 'ingest.feed' AND key = $1`, [feed.id]),
      ).toHaveLength(0);
    } finally {
      server.close();
    }
  });

  it('maintenance: queues finished uploads, expires abandoned ones, deletes files past retention', async () => {
    const maintenance = worker.get(IngestService); // the ingest.maintain cron runs in the worker
    const file = (id: string) => path.join(uploadDir, id);
    // an upload that completed while its job was not queued (the api stopped in between)
    const orphan = await start(v, 'products');
    await app
      .get<UploadStore>(UPLOAD_STORE)
      .saveStream(orphan.job_id, Readable.from(['sku,name\nORPH-1,Orphan\n']));
    expect((await v.request('GET', `/ingest/jobs/${orphan.job_id}`)).json().status).toBe('awaiting_upload');
    expect((await maintenance.maintain()).queued).toBe(1);
    expect(await finished(v, orphan.job_id)).toMatchObject({ status: 'completed', rows_inserted: 1 });
    // another, whose client comes back before maintenance: a complete upload cannot be terminated
    // (409, the upload is closed), and the request queues the job on the way instead of failing it
    const second = await start(v, 'products');
    await app
      .get<UploadStore>(UPLOAD_STORE)
      .saveStream(second.job_id, Readable.from(['sku,name\nORPH-2,Second orphan\n']));
    const terminate = await fetch(second.upload_url, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${v.token}`, 'tus-resumable': '1.0.0' },
    });
    expect(terminate.status).toBe(409);
    expect(((await terminate.json()) as { error: { code: string } }).error.code).toBe('upload_closed');
    expect(await finished(v, second.job_id)).toMatchObject({ status: 'completed', rows_inserted: 1 });
    expect((await maintenance.maintain()).queued).toBe(0);
    // an abandoned upload
    const abandoned = await start(v, 'products');
    await fetch(abandoned.upload_url, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.token}`, 'tus-resumable': '1.0.0', 'upload-length': '1000' },
    });
    expect(existsSync(file(abandoned.job_id))).toBe(true);
    await ds.query(`UPDATE ingest_jobs SET created_at = now() - interval '25 hours' WHERE id = $1`, [
      abandoned.job_id,
    ]);
    await ds.query(`UPDATE ingest_jobs SET finished_at = now() - interval '8 days' WHERE id = $1`, [
      orphan.job_id,
    ]);
    const r = await maintenance.maintain();
    expect(r.expired).toBe(1);
    expect(r.purged).toBeGreaterThanOrEqual(1);
    expect((await v.request('GET', `/ingest/jobs/${abandoned.job_id}`)).json()).toMatchObject({
      status: 'failed',
      error: 'the upload was not completed within 24 hours',
    });
    expect(existsSync(file(abandoned.job_id))).toBe(false);
    expect(existsSync(file(orphan.job_id))).toBe(false);
  });
});

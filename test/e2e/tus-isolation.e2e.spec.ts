import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import * as tus from 'tus-js-client';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { freePort } from '#libs/db/embedded';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { tusUpload } from '../support/tus-upload.js';
import { ADMIN_KEY, createVendor, type VendorClient } from '../support/vendor-client.js';
import { waitFor } from '../support/wait.js';

/**
 * Security regression (a HIGH finding): @tus/server takes the upload id from the whole URL, query
 * string included, so `<A's job>?x=/<B's job>` acted on B's upload with A's credential.
 */
describe('TUS uploads are pinned to the authorised job (e2e, attacker view)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let uploadDir: string;
  let a: VendorClient;
  let b: VendorClient;

  const B_FILE = Buffer.from('external_id,name,category\nB-1,Bee bread,bakery\nB-2,Bee jam,spreads\n');
  const half = 30;

  beforeAll(async () => {
    db = await createTestDatabase();
    uploadDir = await mkdtemp(path.join(os.tmpdir(), 'nrp-tus-sec-'));
    const port = await freePort();
    const config = testConfig(db.url, {
      ADMIN_API_KEY: ADMIN_KEY,
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      INGEST_UPLOAD_DIR: uploadDir,
      CORS_ORIGINS: 'https://app.example.com',
    });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    await app.listen(port, '127.0.0.1');
    a = (await createVendor(app, 'attacker')).client;
    b = (await createVendor(app, 'victim')).client;
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await db.drop();
    await rm(uploadDir, { recursive: true, force: true });
  });

  const startJob = async (c: VendorClient) => {
    const res = await c.request('POST', '/ingest/csv?mode=products', {});
    expect(res.statusCode).toBe(201);
    return res.json() as { job_id: string; upload_url: string };
  };
  const tusFetch = (
    url: string,
    token: string,
    method: string,
    headers: Record<string, string> = {},
    body?: Buffer,
  ) =>
    fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...headers },
      ...(body ? { body: new Uint8Array(body) } : {}),
    });
  const offsetOf = async (c: VendorClient, url: string) =>
    (await tusFetch(url, c.token, 'HEAD')).headers.get('upload-offset');

  it("cannot read, write or delete another vendor's upload through a crafted URL", async () => {
    const jobA = await startJob(a);
    const jobB = await startJob(b);
    // B creates its upload and sends the first part of its file
    expect(
      (await tusFetch(jobB.upload_url, b.token, 'POST', { 'upload-length': String(B_FILE.length) })).status,
    ).toBe(201);
    const part = await tusFetch(
      jobB.upload_url,
      b.token,
      'PATCH',
      { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      B_FILE.subarray(0, half),
    );
    expect(part.status).toBe(204);
    expect(await offsetOf(b, jobB.upload_url)).toBe(String(half));
    // A owns a job too (its own upload exists), so the guard passes for A's id
    expect((await tusFetch(jobA.upload_url, a.token, 'POST', { 'upload-length': '100' })).status).toBe(201);

    const crafted = [
      `${jobA.upload_url}?x=/${jobB.job_id}`,
      `${jobA.upload_url}?x=%2F${jobB.job_id}`,
      `${jobA.upload_url}/${jobB.job_id}`,
      `${jobA.upload_url}%2F${jobB.job_id}`,
      `${jobA.upload_url}/?x=/${jobB.job_id}`,
      `${jobA.upload_url}#/${jobB.job_id}`.replace('#', '%23'),
    ];
    const injected = Buffer.from('A-EVIL,Injected by A,snacks\n');
    for (const url of crafted) {
      const head = await tusFetch(url, a.token, 'HEAD');
      expect([400, 404]).toContain(head.status);
      expect(head.headers.get('upload-offset')).not.toBe(String(half));
      const patch = await tusFetch(
        url,
        a.token,
        'PATCH',
        { 'upload-offset': String(half), 'content-type': 'application/offset+octet-stream' },
        injected,
      );
      expect([400, 404]).toContain(patch.status);
      const del = await tusFetch(url, a.token, 'DELETE');
      expect([400, 404]).toContain(del.status);
    }

    // the real protocol client, resuming at a crafted URL, is refused too (its HEAD gets 400; it
    // then falls back to creating at its endpoint, A's own job, whose upload exists: 409)
    await expect(
      new Promise((resolve, reject) => {
        const upload = new tus.Upload(injected, {
          endpoint: jobA.upload_url,
          uploadUrl: `${jobA.upload_url}?x=/${jobB.job_id}`,
          headers: { authorization: `Bearer ${a.token}` },
          retryDelays: [],
          onError: reject,
          onSuccess: resolve,
        });
        upload.start();
      }),
    ).rejects.toThrow(/response code: (400|404|409)/);

    // B's upload is untouched: same offset, completes with B's bytes only
    expect(await offsetOf(b, jobB.upload_url)).toBe(String(half));
    const rest = await tusFetch(
      jobB.upload_url,
      b.token,
      'PATCH',
      { 'upload-offset': String(half), 'content-type': 'application/offset+octet-stream' },
      B_FILE.subarray(half),
    );
    expect(rest.status).toBe(204);
    const done = await waitFor(async () => {
      const j = (await b.request('GET', `/ingest/jobs/${jobB.job_id}`)).json();
      return ['completed', 'failed'].includes(j.status) ? j : undefined;
    }, 60_000);
    expect(done).toMatchObject({ status: 'completed', rows_inserted: 2, rows_failed: 0 });
    const names = (await b.request('GET', '/search?limit=50'))
      .json()
      .data.map((p: { name: string }) => p.name);
    expect(names.sort()).toEqual(['Bee bread', 'Bee jam']);
    expect((await a.request('GET', '/search?limit=50')).json().data).toEqual([]);
  });

  it('answers a repeated creation as the first, refuses another length, deferred lengths, and CORS for any origin', async () => {
    const job = await startJob(b);
    expect(
      (await tusFetch(job.upload_url, b.token, 'POST', { 'upload-length': String(B_FILE.length) })).status,
    ).toBe(201);
    await tusFetch(
      job.upload_url,
      b.token,
      'PATCH',
      { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      B_FILE.subarray(0, half),
    );
    // the same creation again (a client whose 201 was lost): answered 201 again, the upload untouched
    const repeated = await tusFetch(job.upload_url, b.token, 'POST', {
      'upload-length': String(B_FILE.length),
    });
    expect(repeated.status).toBe(201);
    expect(repeated.headers.get('location')).toBe(new URL(job.upload_url).pathname);
    expect(await offsetOf(b, job.upload_url)).toBe(String(half));
    // another length is another upload: refused, the upload untouched
    const again = await tusFetch(job.upload_url, b.token, 'POST', {
      'upload-length': String(B_FILE.length + 1),
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('upload_exists');
    expect(await offsetOf(b, job.upload_url)).toBe(String(half));

    const deferred = await startJob(b);
    const d = await tusFetch(deferred.upload_url, b.token, 'POST', { 'upload-defer-length': '1' });
    expect(d.status).toBe(400);
    expect(((await d.json()) as { error: { code: string } }).error.code).toBe('defer_length_unsupported');

    const evil = await tusFetch(job.upload_url, b.token, 'HEAD', { origin: 'https://evil.example' });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const allowed = await tusFetch(job.upload_url, b.token, 'HEAD', { origin: 'https://app.example.com' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');

    // and the ordinary client still uploads end to end
    const ok = await startJob(b);
    await tusUpload(ok.upload_url, B_FILE, b.token);
  });

  it('queues an upload whose last bytes arrived while the database was away, when the client comes back', async () => {
    const job = await startJob(b);
    expect(
      (await tusFetch(job.upload_url, b.token, 'POST', { 'upload-length': String(B_FILE.length) })).status,
    ).toBe(201);
    // recording the finished upload fails as it would with PostgreSQL shutting down (57P03)
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`CREATE FUNCTION pg_temp_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the database system is shutting down' USING ERRCODE = '57P03'; END $$`);
    await admin.query(
      `CREATE TRIGGER refuse_upload_finish BEFORE UPDATE ON ingest_jobs FOR EACH ROW EXECUTE FUNCTION pg_temp_refuse()`,
    );
    const last = await tusFetch(
      job.upload_url,
      b.token,
      'PATCH',
      { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      B_FILE,
    );
    expect(last.status).toBe(503); // retry later, not a 500
    await admin.query(`DROP TRIGGER refuse_upload_finish ON ingest_jobs`);
    await admin.query(`DROP FUNCTION pg_temp_refuse()`);
    await admin.end();
    expect((await b.request('GET', `/ingest/jobs/${job.job_id}`)).json().status).toBe('awaiting_upload');
    // the client resumes: HEAD says every byte is there, and the job is queued on the way
    expect(await offsetOf(b, job.upload_url)).toBe(String(B_FILE.length));
    const done = await waitFor(async () => {
      const j = (await b.request('GET', `/ingest/jobs/${job.job_id}`)).json();
      return ['completed', 'failed'].includes(j.status) ? j : undefined;
    }, 60_000);
    expect(done).toMatchObject({ status: 'completed', rows_total: 2 });
    // and a client that re-creates it instead (tus-js-client after a failed resume) is told 201
    const again = await tusFetch(job.upload_url, b.token, 'POST', { 'upload-length': String(B_FILE.length) });
    expect(again.status).toBe(201);
  });
});

import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import * as tus from 'tus-js-client';
import { freePort } from '#libs/db/embedded';
import { CatalogueGenerator, PRODUCT_COLUMNS, productCsvLine } from '../scripts/seed/catalogue.js';
import { CustomerGenerator } from '../scripts/seed/customers.js';
import { BENCH_SECRETS, benchEnv } from './support/api-client.js';
import { benchDatabase } from './support/database.js';
import { parseArgs } from './support/load.js';

/**
 * bench:ingest — the whole ingestion path with real processes on loopback:
 *   1. generate a `--rows` products CSV (and the same file with 10 % of rows changed);
 *   2. upload it over TUS (tus-js-client → api) and let one worker process ingest it into the
 *      vendor's empty catalogue (first load), then re-ingest the changed file (in-place merge);
 *   3. the same for `--customers` customers with health data (derivations included);
 * printing upload MB/s, rows/s, seconds per phase and the worker's peak RSS per ingest (each one
 * started once the queue has settled after the one before: an ingest queues the vendor's directory
 * figures, which the worker derives next; `follow-up work` is the worker time of those jobs), and as baselines a
 * raw `COPY` of the same file into an unlogged all-text table (again just before the re-ingest, its
 * own baseline) and the feature floor (the loaded rows
 * COPYed into an indexed copy of a catalogue leaf), with the ratios.
 * Usage: npm run bench:ingest -- [--rows 2000000] [--customers 1000000]
 */
const args = parseArgs({ rows: 2_000_000, customers: 1_000_000 });
const ADMIN = BENCH_SECRETS.ADMIN_API_KEY;

interface JobResult {
  status: string;
  error: string | null;
  rows_total: number;
  rows_inserted: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_failed: number;
  phase_seconds: Record<string, number>;
  started_at: string;
  finished_at: string;
  uploaded_at: string;
}

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  let buf = '';
  for (const line of lines) {
    buf += line;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise<void>((r) => out.on('finish', () => r()));
}

/** The products file and a copy with every tenth row's price and stock changed. */
async function productFiles(dir: string, rows: number): Promise<[string, string]> {
  const a = path.join(dir, 'products.csv');
  const b = path.join(dir, 'products-changed.csv');
  const gen = new CatalogueGenerator(11);
  const outA = createWriteStream(a);
  const outB = createWriteStream(b);
  const header = PRODUCT_COLUMNS.join(',') + '\n';
  let bufA = header;
  let bufB = header;
  for (let i = 0; i < rows; i++) {
    const p = gen.product(i);
    bufA += productCsvLine(p, 'list');
    if (i % 10 === 0) {
      p.price_cents += 1;
      p.in_stock = !p.in_stock;
    }
    bufB += productCsvLine(p, 'list');
    if (bufA.length > 1 << 20) {
      outA.write(bufA);
      outB.write(bufB);
      for (const out of [outA, outB])
        if (out.writableNeedDrain) await new Promise<void>((r) => out.once('drain', () => r()));
      bufA = '';
      bufB = '';
    }
  }
  outA.end(bufA);
  outB.end(bufB);
  await Promise.all([
    new Promise<void>((r) => outA.on('finish', () => r())),
    new Promise<void>((r) => outB.on('finish', () => r())),
  ]);
  return [a, b];
}

async function customerFile(dir: string, rows: number): Promise<string> {
  const file = path.join(dir, 'customers.csv');
  const gen = new CustomerGenerator(5);
  function* lines(): Generator<string> {
    yield 'external_id,email,first_name,last_name,sex,age,height_cm,weight_kg,activity_level,conditions,allergies,dietary_preferences,goals\n';
    for (let i = 0; i < rows; i++) {
      const c = gen.customer(i);
      yield `${c.external_id},${c.email},${c.first_name},${c.last_name},${c.sex},${c.age},${c.height_cm},${c.weight_kg},${c.activity_level},${c.conditions.join('|')},${c.allergies.join('|')},${c.dietary_preferences.join('|')},${c.goals.join('|')}\n`;
    }
  }
  await writeLines(file, lines());
  return file;
}

/** Raw COPY of the file into an unlogged table of text columns: the floor of any CSV load. */
async function rawCopySeconds(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const fd = openSync(file, 'r');
    const head = Buffer.alloc(4096);
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    const header = head.toString('utf8').split('\n')[0]!;
    const cols = header.split(',').map((c) => `"${c}" text`);
    await client.query(`DROP TABLE IF EXISTS raw_copy; CREATE UNLOGGED TABLE raw_copy (${cols.join(', ')})`);
    const started = performance.now();
    await pipeline(
      createReadStream(file),
      client.query(copyStreams.from(`COPY raw_copy FROM STDIN (FORMAT csv, HEADER true)`)),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.query(`DROP TABLE raw_copy`);
    return seconds;
  } finally {
    await client.end();
  }
}

/**
 * The feature floor: the vendor's products as the first load left them (typed, converted), written
 * out and COPYed straight into a fresh table made `LIKE` one of the catalogue's leaves `INCLUDING
 * ALL` — the same generated columns (the stored tsvectors) and the same indexes (GIN, trigram,
 * b-tree), no staging, no validation, no merge. The cheapest way to the same searchable catalogue
 * on this machine; the first load is measured against it.
 */
async function featureFloorSeconds(url: string, vendorId: string, dir: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [leaf] = (
      await client.query<{ leaf: string }>(
        `SELECT t.relid::regclass::text AS leaf FROM pg_partition_tree('products') t
          WHERE t.isleaf ORDER BY t.relid LIMIT 1`,
      )
    ).rows;
    const cols = (
      await client.query<{ name: string }>(
        `SELECT quote_ident(attname) AS name FROM pg_attribute
          WHERE attrelid = 'products'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
          ORDER BY attnum`,
      )
    ).rows.map((r) => r.name);
    const file = path.join(dir, 'floor.copy');
    await pipeline(
      client.query(
        copyStreams.to(
          `COPY (SELECT ${cols.join(', ')} FROM products WHERE vendor_id = '${vendorId}') TO STDOUT (FORMAT binary)`,
        ),
      ),
      createWriteStream(file),
    );
    const indexes = (
      await client.query<{ def: string }>(
        `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indrelid = $1::regclass`,
        [leaf!.leaf],
      )
    ).rows.map((r) => r.def);
    const copyIn = () =>
      pipeline(
        createReadStream(file),
        client.query(copyStreams.from(`COPY floor_copy (${cols.join(', ')}) FROM STDIN (FORMAT binary)`)),
      );
    // a: into the indexed table (indexes maintained row by row)
    await client.query(
      `DROP TABLE IF EXISTS floor_copy; CREATE TABLE floor_copy (LIKE ${leaf!.leaf} INCLUDING ALL)`,
    );
    let started = performance.now();
    await copyIn();
    const indexed = (performance.now() - started) / 1000;
    // b: into the bare table (generated columns computed), then the same indexes built
    await client.query(
      `DROP TABLE floor_copy; CREATE TABLE floor_copy (LIKE ${leaf!.leaf} INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)`,
    );
    started = performance.now();
    await copyIn();
    for (const def of indexes) {
      await client.query(
        def.replace(
          /^CREATE (UNIQUE )?INDEX \S+ ON \S+/,
          (_m, u: string | undefined) => `CREATE ${u ?? ''}INDEX ON floor_copy`,
        ),
      );
    }
    const thenIndexed = (performance.now() - started) / 1000;
    await client.query(`DROP TABLE floor_copy`);
    console.log(
      `feature floor strategies: COPY into the indexed table ${indexed.toFixed(1)} s; COPY, then build its ${indexes.length} indexes ${thenIndexed.toFixed(1)} s`,
    );
    const seconds = Math.min(indexed, thenIndexed);
    await rm(file, { force: true });
    return seconds;
  } finally {
    await client.end();
  }
}

function upload(endpoint: string, file: string, size: number, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const u = new tus.Upload(createReadStream(file), {
      endpoint,
      uploadSize: size,
      chunkSize: 64 * 1024 * 1024,
      headers: { authorization: `Bearer ${token}` },
      retryDelays: [0, 500, 2000],
      onError: reject,
      onSuccess: () => resolve(),
    });
    u.start();
  });
}

const peakRss = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/**
 * Waits until the queue has no job due (an ingest queues follow-up work — the vendor's directory
 * figures, the category benchmarks — that the worker runs next): each ingest is then timed on a
 * quiet worker and database. Returns the seconds waited and the follow-up work: the worker time of
 * the insights jobs queued since `since` (their runs, not the queue's delays between them).
 */
async function settle(url: string, since: string): Promise<{ waited: number; work: number; jobs: string }> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pgboss.job
          WHERE state IN ('created', 'retry', 'active') AND start_after < now() + interval '2 minutes'`,
      );
      if (rows[0]!.n === 0) break;
      if (performance.now() - started > 15 * 60_000) throw new Error('the queue did not settle');
      await new Promise((r) => setTimeout(r, 250));
    }
    const waited = (performance.now() - started) / 1000;
    const { rows: jobs } = await client.query<{ name: string; n: number; seconds: number }>(
      `SELECT name, count(*)::int AS n,
              coalesce(sum(extract(epoch FROM completed_on - started_on)), 0)::float8 AS seconds
         FROM pgboss.job WHERE name LIKE 'insights.%' AND state = 'completed' AND created_on >= $1
        GROUP BY name ORDER BY name`,
      [since],
    );
    return {
      waited,
      work: jobs.reduce((s, j) => s + j.seconds, 0),
      jobs: jobs.map((j) => `${j.name} ×${j.n} ${j.seconds.toFixed(2)} s`).join(', '),
    };
  } finally {
    await client.end();
  }
}

/** Row updates of the product leaves so far, and how many were HOT (no index touched). */
async function hotUpdates(url: string): Promise<{ updates: number; hot: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ updates: number; hot: number }>(
      `SELECT coalesce(sum(n_tup_upd), 0)::int AS updates, coalesce(sum(n_tup_hot_upd), 0)::int AS hot
         FROM pg_stat_user_tables WHERE relname LIKE 'products\\_%\\_p%'`,
    );
    return rows[0]!;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nrp-bench-ingest-'));
  const db = await benchDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = benchEnv(db.url, {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: base,
    INGEST_UPLOAD_DIR: path.join(dir, 'uploads'),
    LOG_LEVEL: 'warn',
    DATABASE_POOL_MAX: '12',
  });
  const children: ChildProcess[] = [];
  const start = (script: string) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    return child;
  };
  try {
    let t = performance.now();
    const [productsCsv, changedCsv] = args.rows > 0 ? await productFiles(dir, args.rows) : ['', ''];
    const customersCsv = args.customers > 0 ? await customerFile(dir, args.customers) : '';
    console.log(`generated the files in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    start('../apps/api/src/main.js');
    const worker = start('../apps/worker/src/main.js');
    for (let i = 0; ; i++) {
      const ok = await fetch(`${base}/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (i > 600) throw new Error('the api did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const created = await fetch(`${base}/api/v1/admin/vendors`, {
      method: 'POST',
      headers: { 'x-admin-key': ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: `bench-ingest-${Date.now()}`, name: 'Bench ingest', category: 'grocery' }),
    }).then((r) => r.json() as Promise<{ vendor: { id: string }; api_key: { key: string } }>);
    const token = created.api_key.key;

    const ingest = async (label: string, mode: string, file: string) => {
      const size = (await stat(file)).size;
      writeFileSync(`/proc/${worker.pid}/clear_refs`, '5'); // reset the worker's peak RSS
      const job = (await fetch(`${base}/api/v1/ingest/csv?mode=${mode}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.json())) as { job_id: string; upload_url: string };
      const up = performance.now();
      await upload(job.upload_url, file, size, token);
      const uploadSeconds = (performance.now() - up) / 1000;
      let r: JobResult;
      for (;;) {
        r = (await fetch(`${base}/api/v1/ingest/jobs/${job.job_id}`, {
          headers: { authorization: `Bearer ${token}` },
        }).then((x) => x.json())) as JobResult;
        if (r.status === 'completed' || r.status === 'failed') break;
        await new Promise((res) => setTimeout(res, 200));
      }
      if (r.status !== 'completed') throw new Error(`${label} failed: ${r.error}`);
      const rss = peakRss(worker.pid!); // the ingest's own peak, before its follow-up jobs run
      const followUp = await settle(db.url, r.started_at);
      const hot = mode === 'products' ? await hotUpdates(db.url) : null;
      const seconds = (Date.parse(r.finished_at) - Date.parse(r.started_at)) / 1000;
      const phases = Object.entries(r.phase_seconds)
        .map(([k, s]) => `${k} ${s.toFixed(1)}`)
        .join(', ');
      console.log(
        `${label}: ${r.rows_total} rows, ${(size / 1e6).toFixed(0)} MB — upload ${uploadSeconds.toFixed(1)} s = ${(size / 1e6 / uploadSeconds).toFixed(0)} MB/s; ` +
          `ingest ${seconds.toFixed(1)} s = ${(r.rows_total / seconds).toFixed(0)} rows/s (${phases} s); ` +
          `inserted ${r.rows_inserted}, updated ${r.rows_updated}, unchanged ${r.rows_unchanged}, failed ${r.rows_failed}; worker peak RSS ${rss.toFixed(0)} MB; follow-up work ${followUp.work.toFixed(1)} s (${followUp.jobs}; queue settled in ${followUp.waited.toFixed(1)} s)` +
          (hot && hot.updates > 0 ? `; HOT updates ${hot.hot} of ${hot.updates} so far` : ''),
      );
      return seconds;
    };

    if (args.rows > 0) {
      t = performance.now();
      const raw = await rawCopySeconds(db.url, productsCsv);
      console.log(`baseline: raw COPY of the products file into an unlogged text table ${raw.toFixed(1)} s`);
      const first = await ingest('products first load', 'products', productsCsv);
      const floor = await featureFloorSeconds(db.url, created.vendor.id, dir);
      console.log(
        `feature floor: the same rows COPYed straight into an indexed copy of a catalogue leaf ${floor.toFixed(1)} s`,
      );
      // this machine's speed drifts by a quarter over minutes: the re-ingest gets a baseline of its own
      const rawAgain = await rawCopySeconds(db.url, changedCsv);
      console.log(
        `baseline again, just before the re-ingest: raw COPY of the changed file ${rawAgain.toFixed(1)} s`,
      );
      const again = await ingest('products re-ingest, 10 % changed', 'products', changedCsv);
      console.log(
        `ratio to raw COPY: first load ${(first / raw).toFixed(1)}×, re-ingest ${(again / rawAgain).toFixed(1)}× ` +
          `(to the baseline just before it; ${(again / raw).toFixed(1)}× to the first)`,
      );
      console.log(`first load ÷ feature floor: ${(first / floor).toFixed(2)}×`);
    }
    if (args.customers > 0) {
      const raw = await rawCopySeconds(db.url, customersCsv);
      console.log(`baseline: raw COPY of the customers file ${raw.toFixed(1)} s`);
      const first = await ingest('customers first load (with derivations)', 'customers', customersCsv);
      console.log(`ratio to raw COPY: ${(first / raw).toFixed(1)}×`);
    }
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)),
    );
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

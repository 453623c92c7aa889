import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import * as tus from 'tus-js-client';
import { loadConfig } from '#libs/config';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '#libs/db/embedded';
import { migrateAll } from '../scripts/database.js';
import { Fleet } from './support/fleet.js';
import { payForReport } from './support/http-funnel.js';
import { parseArgs } from './support/load.js';

/**
 * bench:soak — the whole product under load and faults, then its invariants.
 *
 * Two api processes and two workers (built, real processes) on an embedded PostgreSQL, all on
 * loopback. For `--minutes N` (fractions allowed) bounded loops drive: the consumer funnel to paid
 * reports; vendor product writes and deletes; searches and matches; CSV ingests through TUS into
 * fresh vendors; webhook deliveries to a local receiver. Meanwhile a schedule injects faults:
 * SIGKILL a worker, SIGKILL an api (each restarted by the bench, acting as their supervisor),
 * restart PostgreSQL (fast shutdown, start), freeze it (SIGSTOP every server process, SIGCONT 5 s
 * later). Then it drains and checks:
 *
 * 1. every paid session has exactly one completed report;
 * 2. every webhook event is delivered (a received request with its webhook-id and a valid
 *    signature) or dead-lettered — none pending;
 * 3. every ingest's counts equal the clean run's (the same file, before any fault);
 * 4. no process died that the bench did not kill;
 * 5. no 5xx or connection error outside a fault's window plus RECOVERY_SECONDS.
 *
 * Prints the figures and the throughput ratio to the fault-free warm-up of the same run; exits 1
 * when an invariant fails. `.ci/run` runs a 1-minute version; docs/benchmarks.md has a 10-minute one.
 */
const RECOVERY_SECONDS = 10;
const args = parseArgs({ minutes: 1, funnels: 2, writers: 1, readers: 2, ingesters: 1 });
const durationMs = args.minutes * 60_000;
const ADMIN_KEY = randomBytes(24).toString('base64url');

interface Fault {
  name: string;
  at: number;
  start?: number;
  end?: number;
  recoverySeconds?: number;
}
interface Outcome {
  t: number;
  kind: string;
  ok: boolean;
  status: number | 'network';
}

const outcomes: Outcome[] = [];
const started = Date.now();
const elapsed = () => Date.now() - started;
const log = (line: string) => console.log(`[soak ${(elapsed() / 1000).toFixed(1).padStart(6)} s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Webhook receiver, one path per endpoint: verifies each request's signature as it arrives (the
 * Standard Webhooks timestamp check included), as a vendor's receiver would; answers 503 to a path
 * whose secret it does not know yet (the delivery is retried).
 */
function startReceiver(): Promise<{
  url: string;
  secrets: Map<string, string>;
  received: { id: string; valid: boolean }[];
  close(): void;
}> {
  const received: { id: string; valid: boolean }[] = [];
  const secrets = new Map<string, string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const secret = secrets.get(req.url ?? '');
      if (!secret) return void res.writeHead(503).end();
      let valid = true;
      try {
        new Webhook(secret).verify(body, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
      } catch {
        valid = false;
      }
      received.push({ id: String(req.headers['webhook-id']), valid });
      res.writeHead(valid ? 200 : 400).end(valid ? 'ok' : 'bad signature');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        secrets,
        received,
        close: () => server.close(),
      }),
    ),
  );
}

/** The postmaster and every server process under it (to freeze them all). */
function serverPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let children: number[] = [];
  try {
    children = execFileSync('pgrep', ['-P', String(postmaster)])
      .toString()
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    // no children
  }
  return [postmaster, ...children.filter(Boolean)];
}

/** Signals a server process; one that ended between the listing and the signal (a backend whose
 * client left) has nothing left to freeze or thaw. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function productsCsv(rows: number): string {
  const header =
    'external_id,name,brand,category,price_cents,calories,protein_g,sugar_g,sodium_mg,serving_size_g,dietary_tags,allergens,in_stock';
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    if (i % 50 === 7) lines.push(`BAD-${i},Broken ${i},Soak,bars,not-a-price,1,1,1,1,40,,,true`);
    else
      lines.push(
        `SOAK-${i},Soak bar ${i},Soak,${i % 3 ? 'bars' : 'snacks'},${100 + i},${150 + (i % 90)},${5 + (i % 25)},${i % 12},${80 + (i % 400)},40,${i % 4 ? 'vegetarian' : 'vegan'},${i % 5 ? 'oats' : 'peanuts|milk'},true`,
      );
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'nrp-soak-'));
  chmodSync(work, 0o755);
  const pgDir = join(work, 'pg');
  const pgPort = await freePort();
  const startPostgres = () =>
    startEmbeddedPostgres({
      dir: pgDir,
      database: 'soak',
      port: pgPort,
      settings: { max_connections: '300' },
    });
  let server: RunningPostgres = await startPostgres();
  await migrateAll(loadConfig({ ...process.env, DATABASE_URL: server.url }));
  const receiver = await startReceiver();

  const fleet = new Fleet(join(work, 'logs'), {
    NODE_ENV: 'development',
    DATABASE_URL: server.url,
    JWT_SECRET: randomBytes(32).toString('base64url'),
    VAULT_MASTER_KEY: randomBytes(32).toString('hex'),
    ADMIN_API_KEY: ADMIN_KEY,
    PAYMENTS_ENABLED: 'true',
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
    DATA_DIR: join(work, 'data'),
    TRUST_PROXY: '1',
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
    DATABASE_NESTED_ACQUIRE_GUARD: 'false',
  });
  await fleet.start(2, 2);
  log(`2 api + 2 workers up (logs in ${join(work, 'logs')})`);

  let rr = 0;
  /** One call to the next api (round robin), recorded; a network error is status 'network'. */
  async function call(
    kind: string,
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; ok?: number[] } = {},
  ) {
    const base = fleet.apiBases[rr++ % fleet.apiBases.length]!;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...opts.headers,
        },
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      const ok = (opts.ok ?? [200, 201, 204]).includes(res.status);
      outcomes.push({ t: elapsed(), kind, ok, status: res.status });
      if (res.status >= 500) await sleep(200); // a client backs off (Retry-After is 1-2 s)
      return { status: res.status, ok, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    } catch {
      outcomes.push({ t: elapsed(), kind, ok: false, status: 'network' });
      await sleep(200);
      return { status: 0, ok: false, json: {} as Record<string, unknown> };
    }
  }
  const admin = { 'x-admin-key': ADMIN_KEY };

  /** A vendor with a webhook endpoint on the receiver (all events) and a customer with limits. */
  /**
   * A vendor with a webhook endpoint on the receiver (all events). A creation whose answer was
   * lost to a fault is sent again with the same Idempotency-Key: the same vendor, the same endpoint.
   */
  async function newVendor(wanted: string, giveUp: () => boolean = () => false) {
    let slug = wanted;
    let vendorKey = randomUUID();
    for (;;) {
      const created = await call('admin', 'POST', '/api/v1/admin/vendors', {
        headers: { ...admin, 'idempotency-key': vendorKey },
        body: { slug, name: `Soak ${slug}`, category: 'grocery' },
        ok: [201, 409],
      });
      if (
        created.status === 409 &&
        (created.json.error as { code?: string } | undefined)?.code === 'slug_taken'
      ) {
        // committed, but answered 503 as the database went away before its key was recorded (a
        // known gap, see docs/benchmarks.md): the retry ran again and met its own vendor. Another
        // vendor then, under a new key.
        slug = `${wanted}-${randomUUID().slice(0, 8)}`;
        vendorKey = randomUUID();
        continue;
      }
      if (!created.ok || created.status !== 201) {
        // 5xx, or the key still in flight (its api was killed mid-request: the claim goes stale
        // after 5 minutes): the same request again — unless the load phase is over
        if (giveUp()) return null;
        await sleep(500);
        continue;
      }
      const key = String((created.json.api_key as { key: string }).key);
      const auth = { authorization: `Bearer ${key}` };
      const endpointKey = randomUUID();
      for (;;) {
        const endpoint = await call('webhooks', 'POST', '/api/v1/webhooks/endpoints', {
          headers: { ...auth, 'idempotency-key': endpointKey },
          body: { url: `${receiver.url}/${slug}`, events: ['*'] },
        });
        if (endpoint.ok) {
          receiver.secrets.set(`/${slug}`, String(endpoint.json.secret));
          return { key, auth, endpointId: String(endpoint.json.id) };
        }
        await sleep(500);
      }
    }
  }

  const main = (await newVendor(`soak-main-${Date.now()}`))!; // no deadline: never null
  const customers: string[] = [];
  for (let i = 0; i < 5; i++) {
    const c = await call('customers', 'POST', '/api/v1/customers', {
      headers: { ...main.auth, 'idempotency-key': randomUUID() },
      body: {
        external_id: `C-${i}`,
        health_profile: {
          sex: 'female',
          age: 40 + i,
          height_cm: 165,
          weight_kg: 70,
          allergies: i % 2 ? ['peanuts'] : ['milk'],
          conditions: i % 2 ? ['hypertension'] : [],
        },
      },
    });
    if (c.ok) customers.push(String(c.json.id));
  }

  // the clean ingest: the same file every ingest loads, before any fault
  const csvFile = join(work, 'products.csv');
  writeFileSync(csvFile, productsCsv(400));
  const ingestOnce = async (v: { auth: Record<string, string> }) => {
    const job = await call('ingest', 'POST', '/api/v1/ingest/csv?mode=products', {
      headers: v.auth,
      body: {},
    });
    if (!job.ok) return null;
    const uploadUrl = String(job.json.upload_url);
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(readFileSync(csvFile), {
        endpoint: uploadUrl,
        headers: v.auth,
        chunkSize: 4096,
        retryDelays: [250, 500, 1000, 2000, 4000, 8000, 8000, 8000],
        onError: reject,
        onSuccess: () => resolve(),
      });
      upload.start();
    });
    for (;;) {
      const r = await call('ingest-status', 'GET', `/api/v1/ingest/jobs/${String(job.json.job_id)}`, {
        headers: v.auth,
      });
      if (r.ok && (r.json.status === 'completed' || r.json.status === 'failed')) return r.json;
      await sleep(300);
    }
  };
  const clean = await ingestOnce(main);
  if (!clean || clean.status !== 'completed')
    throw new Error(`the clean ingest did not complete: ${JSON.stringify(clean)}`);
  const countsOf = (r: Record<string, unknown>) =>
    JSON.stringify({
      status: r.status,
      total: r.rows_total,
      inserted: r.rows_inserted,
      failed: r.rows_failed,
    });
  const cleanCounts = countsOf(clean);
  log(`clean ingest: ${cleanCounts}`);

  // faults: after a fault-free warm-up (the throughput baseline), the four kinds in turn, every
  // 12-30 s (a fault's window plus the recovery allowance never covers the whole run)
  const warmupMs = Math.min(durationMs * 0.15, 60_000);
  const every = Math.min(30_000, Math.max(12_000, durationMs * 0.2));
  const kinds = [
    'SIGKILL worker-1',
    'SIGKILL api-1',
    'restart PostgreSQL (fast shutdown, start)',
    'freeze PostgreSQL 5 s (SIGSTOP, SIGCONT)',
  ];
  const faults: Fault[] = [];
  for (let at = warmupMs, i = 0; at < durationMs - 5_000; at += every, i++)
    faults.push({
      name: kinds[i % kinds.length]!.replace('-1', `-${1 + (Math.floor(i / kinds.length) % 2)}`),
      at,
    });
  const inject = async (f: Fault) => {
    f.start = elapsed();
    log(`fault: ${f.name}`);
    if (f.name.startsWith('SIGKILL')) await fleet.killAndRestart(f.name.slice('SIGKILL '.length));
    else if (f.name.startsWith('restart')) {
      await server.stop();
      server = await startPostgres();
    } else {
      const pids = serverPids(pgDir);
      for (const pid of pids) signal(pid, 'SIGSTOP');
      await sleep(5000);
      for (const pid of pids) signal(pid, 'SIGCONT');
    }
    f.end = elapsed();
    // recovered: every api answers ready and serves a database-backed request
    const probeStart = Date.now();
    for (;;) {
      const ready = await Promise.all(
        fleet.apiBases.map(async (b) => {
          const r = await fetch(`${b}/api/v1/calculator/sessions`, {
            method: 'POST',
            headers: { 'x-forwarded-for': '198.18.0.1' },
          }).catch(() => null);
          return r?.status === 201;
        }),
      );
      if (ready.every(Boolean)) break;
      await sleep(100);
    }
    f.recoverySeconds = (Date.now() - probeStart) / 1000;
    log(`  recovered ${f.recoverySeconds.toFixed(2)} s after the fault ended`);
  };

  const deadline = Date.now() + durationMs; // the load phase starts now
  const loadStart = elapsed();
  for (const f of faults) f.at += loadStart;
  const until = () => Date.now() < deadline;
  const tokens: string[] = [];
  const ingests: Record<string, unknown>[] = [];
  let n = 0;
  const loops: Promise<void>[] = [];
  for (let i = 0; i < args.funnels; i++)
    loops.push(
      (async () => {
        while (until()) {
          const k = n++;
          try {
            tokens.push(await payForReport(fleet.apiBases[k % fleet.apiBases.length]!, k));
            outcomes.push({ t: elapsed(), kind: 'funnel', ok: true, status: 200 });
          } catch (err) {
            const status = Number(/: (\d{3}) /.exec(String(err))?.[1] ?? 0);
            outcomes.push({ t: elapsed(), kind: 'funnel', ok: false, status: status || 'network' });
            await sleep(200);
          }
        }
      })(),
    );
  for (let i = 0; i < args.writers; i++)
    loops.push(
      (async () => {
        let k = 0;
        while (until()) {
          const ext = `W-${i}-${k++}`;
          const created = await call('product-write', 'POST', '/api/v1/products', {
            headers: { ...main.auth, 'idempotency-key': randomUUID() },
            body: {
              external_id: ext,
              name: `Written ${ext}`,
              category: 'bars',
              price_cents: 199,
              calories: 180,
              protein_g: 12,
              fat_g: 6,
              carbs_g: 20,
              sugar_g: 5,
              sodium_mg: 150,
              serving_size_g: 40,
              dietary_tags: ['vegetarian'],
              allergens: ['oats'],
            },
          });
          if (created.ok && k % 3 === 0)
            await call('product-delete', 'DELETE', `/api/v1/products/${String(created.json.id)}`, {
              headers: main.auth,
            });
          if (k % 10 === 0)
            await call('webhook-test', 'POST', `/api/v1/webhooks/endpoints/${main.endpointId}/test`, {
              headers: { ...main.auth, 'idempotency-key': randomUUID() },
            });
          await sleep(50);
        }
      })(),
    );
  for (let i = 0; i < args.readers; i++)
    loops.push(
      (async () => {
        let k = 0;
        while (until()) {
          await call('search', 'GET', `/api/v1/search?q=${k % 2 ? 'soak%20bar' : 'oat'}&limit=20`, {
            headers: main.auth,
          });
          if (customers.length)
            await call(
              'matches',
              'GET',
              `/api/v1/customers/${customers[k % customers.length]}/matches?limit=10`,
              { headers: main.auth },
            );
          k++;
        }
      })(),
    );
  for (let i = 0; i < args.ingesters; i++)
    loops.push(
      (async () => {
        let k = 0;
        while (until()) {
          const v = await newVendor(`soak-ingest-${i}-${k++}-${Date.now()}`, () => !until());
          if (!v) break;
          try {
            const r = await ingestOnce(v);
            if (r) ingests.push(r);
          } catch (err) {
            ingests.push({ status: 'upload failed', error: String(err) });
          }
        }
      })(),
    );
  const faulting = (async () => {
    for (const f of faults) {
      const wait = started + f.at - Date.now();
      if (wait > 0) await sleep(wait);
      if (!until()) break;
      await inject(f);
    }
  })();
  await Promise.all([...loops, faulting]);
  const loadSeconds = (elapsed() - loadStart) / 1000;
  log(`load stopped after ${loadSeconds.toFixed(0)} s; draining`);

  // drain: every report generated, every delivery final
  const db = new pg.Client({ connectionString: server.url });
  await db.connect();
  const drainStart = Date.now();
  const pending = async () =>
    (
      await db.query<{ reports: number; deliveries: number; ingests: number }>(
        `SELECT (SELECT count(*) FROM reports WHERE status IN ('queued', 'generating'))::int AS reports,
                (SELECT count(*) FROM webhook_deliveries WHERE status IN ('pending', 'failed'))::int AS deliveries,
                (SELECT count(*) FROM ingest_jobs WHERE status IN ('queued', 'running'))::int AS ingests`,
      )
    ).rows[0]!;
  for (;;) {
    const p = await pending();
    if (p.reports + p.deliveries + p.ingests === 0) break;
    if (Date.now() - drainStart > 180_000) {
      log(`not drained after 180 s: ${JSON.stringify(p)}`);
      break;
    }
    await sleep(500);
  }
  log(`drained in ${((Date.now() - drainStart) / 1000).toFixed(1)} s`);

  // invariants
  const results: [string, boolean, string][] = [];
  const reportCheck = await db.query<{ paid: number; bad: number; completed: number }>(
    `SELECT count(*)::int AS paid,
            count(*) FILTER (WHERE r.completed <> 1 OR r.total <> 1)::int AS bad,
            sum(r.completed)::int AS completed
       FROM calculator_sessions s
       JOIN LATERAL (SELECT count(*) FILTER (WHERE status = 'completed') AS completed, count(*) AS total
                       FROM reports WHERE session_id = s.id) r ON true
      WHERE s.status = 'paid'`,
  );
  const rc = reportCheck.rows[0]!;
  results.push([
    'every paid session has exactly one completed report',
    rc.bad === 0,
    `${rc.paid} paid sessions, ${rc.completed} completed reports, ${rc.bad} wrong`,
  ]);

  const deliveries = await db.query<{ event_id: string; status: string; n: number }>(
    `SELECT d.event_id, d.status, count(*)::int AS n FROM webhook_deliveries d GROUP BY 1, 2`,
  );
  const received = new Map<string, number>();
  let badSignatures = 0;
  for (const r of receiver.received) {
    if (r.valid) received.set(r.id, (received.get(r.id) ?? 0) + 1);
    else badSignatures++;
  }
  const byStatus: Record<string, number> = {};
  let undelivered = 0;
  for (const d of deliveries.rows) {
    byStatus[d.status] = (byStatus[d.status] ?? 0) + d.n;
    if (d.status === 'succeeded' && !received.has(d.event_id)) undelivered++;
    if (d.status === 'pending' || d.status === 'failed') undelivered += d.n;
  }
  const duplicates = [...received.values()].filter((c) => c > 1).length;
  results.push([
    'every webhook event delivered (valid signature) or dead-lettered',
    undelivered === 0 && badSignatures === 0,
    `deliveries ${JSON.stringify(byStatus)}, ${receiver.received.length} requests received, ${duplicates} events received more than once (at-least-once), ${badSignatures} bad signatures, ${undelivered} not delivered`,
  ]);

  const ingestMismatch = ingests.filter((r) => countsOf(r) !== cleanCounts);
  results.push([
    'every ingest counts as the clean run',
    ingestMismatch.length === 0,
    `${ingests.length} ingests, ${ingestMismatch.length} different${ingestMismatch.length ? `: ${ingestMismatch.map((r) => `${countsOf(r)} ${String(r.error ?? '')}`).join('; ')}` : ''}`,
  ]);

  results.push([
    'no process died unsupervised',
    fleet.unexpectedExits.length === 0,
    fleet.unexpectedExits.join('; ') || `${fleet.restarts} restarts, all after a fault the bench injected`,
  ]);

  const windows = faults
    .filter((f) => f.start !== undefined)
    .map((f) => [f.start!, f.end! + RECOVERY_SECONDS * 1000] as const);
  const failures = outcomes.filter(
    (o) => !o.ok && (o.status === 'network' || (typeof o.status === 'number' && o.status >= 500)),
  );
  const outside = failures.filter((o) => !windows.some(([a, b]) => o.t >= a && o.t <= b));
  const otherFailures = outcomes.filter(
    (o) => !o.ok && typeof o.status === 'number' && o.status < 500 && o.status > 0,
  );
  results.push([
    `no 5xx or connection error outside a fault window + ${RECOVERY_SECONDS} s`,
    outside.length === 0,
    `${failures.length} inside fault windows, ${outside.length} outside${
      outside.length
        ? `: ${outside
            .slice(0, 5)
            .map((o) => `${o.kind} ${o.status} at ${(o.t / 1000).toFixed(1)} s`)
            .join(', ')}`
        : ''
    }`,
  ]);
  results.push([
    'no unexpected 4xx',
    otherFailures.length === 0,
    otherFailures
      .slice(0, 5)
      .map((o) => `${o.kind} ${o.status}`)
      .join(', ') || 'none',
  ]);

  // figures
  const firstFault = faults[0]!.start ?? elapsed();
  const warm = outcomes.filter((o) => o.t >= loadStart && o.t < firstFault);
  const warmRate = warm.length / ((firstFault - loadStart) / 1000);
  const allRate = outcomes.filter((o) => o.t >= loadStart).length / loadSeconds;
  const byKind: Record<string, { ok: number; failed: number }> = {};
  for (const o of outcomes) {
    const k = (byKind[o.kind] ??= { ok: 0, failed: 0 });
    if (o.ok) k.ok++;
    else k.failed++;
  }
  console.log('\n== bench:soak');
  console.log(
    `duration: ${loadSeconds.toFixed(0)} s of load (--minutes ${args.minutes}), 2 api + 2 workers, PostgreSQL embedded`,
  );
  console.log(`requests: ${outcomes.length} (${JSON.stringify(byKind)})`);
  console.log(
    `reports: ${tokens.length} funnels completed by clients, ${rc.completed} reports completed for ${rc.paid} paid sessions`,
  );
  console.log(
    `webhooks: ${JSON.stringify(byStatus)} deliveries, ${receiver.received.length} requests received`,
  );
  console.log(
    `ingests: ${ingests.length} of ${readFileSync(csvFile, 'utf8').split('\n').length - 2} rows each, clean counts ${cleanCounts}`,
  );
  const injected = faults.filter((f) => f.start !== undefined);
  const byFault: Record<string, { n: number; worstRecoverySeconds: number }> = {};
  for (const f of injected) {
    const k = (byFault[f.name.replace(/-\d$/, '')] ??= { n: 0, worstRecoverySeconds: 0 });
    k.n++;
    k.worstRecoverySeconds = Math.max(k.worstRecoverySeconds, Number(f.recoverySeconds!.toFixed(2)));
  }
  console.log(`faults injected: ${injected.length} ${JSON.stringify(byFault)}`);
  for (const f of faults.slice(0, 8))
    if (f.start !== undefined)
      console.log(
        `  ${f.name} at ${(f.start / 1000).toFixed(1)} s, lasted ${((f.end! - f.start) / 1000).toFixed(1)} s, recovered ${f.recoverySeconds!.toFixed(2)} s later`,
      );
  if (faults.length > 8) console.log(`  … and ${faults.length - 8} more`);
  const worst = Math.max(...faults.map((f) => f.recoverySeconds ?? 0));
  console.log(`worst recovery: ${worst.toFixed(2)} s (stated bound ${RECOVERY_SECONDS} s)`);
  console.log(
    `throughput: ${allRate.toFixed(1)} requests/s over the run vs ${warmRate.toFixed(1)}/s in the fault-free warm-up: ratio ${(allRate / warmRate).toFixed(2)}`,
  );
  console.log('invariants:');
  for (const [name, ok, detail] of results) console.log(`  ${ok ? 'PASS' : 'FAIL'} ${name} — ${detail}`);

  await db.end();
  await fleet.stop();
  receiver.close();
  await server.stop();
  const failed = results.some(([, ok]) => !ok);
  if (failed) console.log(`logs kept in ${join(work, 'logs')}`);
  else rmSync(work, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

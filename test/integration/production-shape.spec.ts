import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as tus from 'tus-js-client';
import { freePort } from '#libs/db/embedded';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { waitFor } from '../support/wait.js';

/**
 * The production shape without Docker: the built app copied into a directory its user cannot
 * write, run as an unprivileged user (uid 65534) with NODE_ENV=production and real production
 * configuration — two api processes and two workers on one database, behind a round-robin TCP
 * proxy, as behind a load balancer. Needs root (to switch user); skipped by name otherwise.
 * PRODUCTION_NODE picks the Node.js binary the app runs on (.ci/run installs the image's LTS).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NOBODY = 65534;
const NODE =
  process.env.PRODUCTION_NODE && existsSync(process.env.PRODUCTION_NODE)
    ? process.env.PRODUCTION_NODE
    : process.execPath;
const canSwitchUser = process.getuid?.() === 0;
const describeAsRoot = canSwitchUser ? describe : describe.skip;
if (!canSwitchUser) console.warn('SKIPPED "production shape": needs root to run the app as uid 65534');

const ADMIN_KEY = 'production-admin-key-0123456789abcdef';

/** Round-robin TCP proxy: each connection goes to the next live backend (a dead one is skipped). */
class RoundRobinProxy {
  readonly connections = new Map<number, number>();
  private next = 0;
  private server!: net.Server;
  constructor(private readonly backends: number[]) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      client.pause();
      this.route(client, this.next++, 0);
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Tries the backends in turn from `first`, each once. */
  private route(client: net.Socket, first: number, attempt: number): void {
    const port = this.backends[(first + attempt) % this.backends.length]!;
    const upstream = net.connect(port, '127.0.0.1');
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      this.connections.set(port, (this.connections.get(port) ?? 0) + 1);
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!connected && attempt + 1 < this.backends.length) return this.route(client, first, attempt + 1);
      client.destroy();
    });
    upstream.on('close', () => {
      if (connected) client.destroy(); // a refused connection was routed elsewhere
    });
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

describeAsRoot('production shape: 2 api + 2 workers as uid 65534, NODE_ENV=production (integration)', () => {
  let db: TestDatabase;
  let appDir: string;
  let dataDir: string;
  let proxy: RoundRobinProxy;
  let base: string;
  const apiPorts: number[] = [];
  const healthPorts: number[] = [];
  const procs: Proc[] = [];
  let env: NodeJS.ProcessEnv;
  const timings: Record<string, number> = {};

  function start(name: string, script: string, extra: Record<string, string> = {}): Proc {
    const output: string[] = [];
    const child = spawn(NODE, [script], {
      cwd: appDir,
      uid: NOBODY,
      gid: NOBODY,
      env: { ...env, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    const proc = { name, child, output, exit };
    procs.push(proc);
    return proc;
  }

  async function ready(url: string, proc: Proc): Promise<void> {
    await waitFor(
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited:\n${proc.output.join('')}`);
        const res = await fetch(url).catch(() => null);
        return res?.ok ? true : undefined;
      },
      60_000,
      100,
    );
  }

  const clientAddress = (n: number) => `203.0.113.${n % 250}`;
  /** A JSON call through the proxy on a connection of its own (no keep-alive: a dead backend's pooled socket is not reused). */
  function call(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Record<string, unknown>> {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    return new Promise((resolveCall, reject) => {
      const req = http.request(
        `${base}${path}`,
        {
          method,
          agent: false,
          headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if ((res.statusCode ?? 500) >= 400)
              return reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
            resolveCall(text ? (JSON.parse(text) as Record<string, unknown>) : {});
          });
        },
      );
      req.on('error', (err) => reject(new Error(`${method} ${path}: ${err.message}`)));
      req.end(body);
    });
  }

  /** The calculator funnel, as one client (its own address), to a paid report's token. */
  async function payForReport(n: number): Promise<string> {
    const ip = { 'x-forwarded-for': clientAddress(n) };
    const s = await call('POST', '/api/v1/calculator/sessions', { headers: ip });
    const headers = { ...ip, 'x-session-token': String(s.session_token) };
    const steps: Record<number, unknown> = {
      1: { sex: n % 2 ? 'male' : 'female', age: 30 + (n % 40), height_cm: 170, weight_kg: 75 },
      2: {
        lifestyle_activity: 'light',
        exercise_frequency: '3_4_per_week',
        goal: 'maintain',
        diet_type: 'keto',
      },
      3: {},
      4: { email: `person${n}@example.com`, first_name: 'Pat', last_name: `Number${n}` },
    };
    for (const step of [1, 2, 3, 4])
      await call('POST', `/api/v1/calculator/step/${step}`, { body: steps[step], headers });
    const checkout = await call('POST', '/api/v1/payments/checkout', {
      body: { session_id: s.id, tier: 'doctor' },
      headers,
    });
    await call('POST', `/api/v1/payments/sandbox/${String(checkout.checkout_session_id)}/complete`, {
      headers: ip,
    });
    const paid = await call('POST', '/api/v1/calculator/payment/verify', {
      body: { session_id: s.id, checkout_session_id: checkout.checkout_session_id },
      headers,
    });
    return String(paid.access_token);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    // the built app, read-only to its user: root-owned, mode 755
    appDir = mkdtempSync(join(tmpdir(), 'nrp-app-'));
    cpSync(join(ROOT, 'dist'), join(appDir, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(appDir, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(appDir, 'node_modules'));
    // a production process must never load the embedded PostgreSQL (a dev dependency)
    cpSync(join(ROOT, 'test/support/no-dev-dependencies.mjs'), join(appDir, 'no-dev-dependencies.mjs'));
    chmodSync(appDir, 0o755);
    // the one writable place: the data volume (uploads), shared by all four processes
    dataDir = mkdtempSync(join(tmpdir(), 'nrp-data-'));
    chownSync(dataDir, NOBODY, NOBODY);

    for (let i = 0; i < 2; i++) apiPorts.push(await freePort());
    proxy = new RoundRobinProxy(apiPorts);
    const proxyPort = await proxy.start();
    base = `http://127.0.0.1:${proxyPort}`;
    env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      NODE_OPTIONS: `--import ${join(appDir, 'no-dev-dependencies.mjs')}`,
      DATABASE_URL: db.url,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      VAULT_MASTER_KEY: randomBytes(32).toString('hex'),
      ADMIN_API_KEY: ADMIN_KEY,
      PAYMENTS_ENABLED: 'true',
      PAYMENTS_ALLOW_SANDBOX: 'true',
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: base,
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      WORKER_SHUTDOWN_TIMEOUT_MS: '10000',
    };

    const started = Date.now();
    const apis = apiPorts.map((port, i) =>
      start(`api-${i + 1}`, 'dist/apps/api/src/main.js', { PORT: String(port), HOST: '127.0.0.1' }),
    );
    healthPorts.push(await freePort(), await freePort());
    const workers = healthPorts.map((port, i) =>
      start(`worker-${i + 1}`, 'dist/apps/worker/src/main.js', { WORKER_HEALTH_PORT: String(port) }),
    );
    await Promise.all([
      ...apis.map((p, i) => ready(`http://127.0.0.1:${apiPorts[i]}/health/ready`, p)),
      ...workers.map((p, i) => ready(`http://127.0.0.1:${healthPorts[i]}/health`, p)),
    ]);
    timings.start_seconds = (Date.now() - started) / 1000;
  }, 120_000);

  afterAll(async () => {
    for (const p of procs)
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await proxy?.stop();
    await db?.drop();
    if (appDir) rmSync(appDir, { recursive: true, force: true });
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    const version = execFileSync(NODE, ['--version']).toString().trim();
    console.log(`production shape on Node.js ${version}, timings (s): ${JSON.stringify(timings)}`);
  });

  it('refuses to start, with a clear message, when its data directory is not writable', async () => {
    const p = start('api-readonly', 'dist/apps/api/src/main.js', {
      PORT: String(await freePort()),
      DATA_DIR: join(appDir, 'data'),
    });
    const { code } = await p.exit;
    expect(code).toBe(1);
    expect(p.output.join('')).toMatch(/upload directory .* is not writable by this process \(EACCES\)/);
    procs.splice(procs.indexOf(p), 1);
  }, 60_000);

  it('runs the consumer funnel to a completed report', async () => {
    const started = Date.now();
    const token = await payForReport(0);
    await waitFor(
      async () => {
        const s = await call('GET', `/api/v1/reports/${token}/status`);
        return s.status === 'completed' ? true : undefined;
      },
      60_000,
      100,
    );
    const page = await fetch(`${base}/r/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    await page.body?.cancel().catch(() => undefined);
    timings.funnel_seconds = (Date.now() - started) / 1000;
  }, 120_000);

  it('resumes a TUS upload through the other api process when the first dies mid-upload', async () => {
    const started = Date.now();
    const admin = { 'x-admin-key': ADMIN_KEY, 'idempotency-key': randomUUID() };
    const vendor = await call('POST', '/api/v1/admin/vendors', {
      body: { slug: 'prod-shape', name: 'Production Shape Foods', category: 'grocery' },
      headers: admin,
    });
    const key = String((vendor.api_key as { key: string }).key);
    const auth = { authorization: `Bearer ${key}` };
    const job = await call('POST', '/api/v1/ingest/csv?mode=products', {
      body: {},
      headers: { ...auth, 'idempotency-key': randomUUID() },
    });
    const rows = 20_000;
    const lines = ['external_id,name,calories,protein_g,sodium_mg'];
    for (let i = 0; i < rows; i++)
      lines.push(`P-${i},Product number ${i},${100 + (i % 300)},${i % 30},${i % 900}`);
    const csv = Buffer.from(`${lines.join('\n')}\n`);

    const before = new Map(proxy.connections);
    let killed = false;
    await new Promise<void>((resolveUpload, reject) => {
      const upload = new tus.Upload(csv, {
        endpoint: String(job.upload_url),
        headers: auth,
        chunkSize: 32 * 1024,
        retryDelays: [0, 200, 500, 1000, 2000],
        // a new connection per request, so the proxy alternates the chunks between the processes
        httpStack: new tus.DefaultHttpStack({ agent: new http.Agent({ keepAlive: false }) }),
        onChunkComplete: (_size, accepted, total) => {
          if (!killed && accepted > total * 0.4) {
            killed = true;
            procs.find((p) => p.name === 'api-1')!.child.kill('SIGKILL');
          }
        },
        onError: reject,
        onSuccess: () => resolveUpload(),
      });
      upload.start();
    });
    expect(killed).toBe(true);
    // both processes took chunks before the kill
    for (const port of apiPorts)
      expect((proxy.connections.get(port) ?? 0) - (before.get(port) ?? 0)).toBeGreaterThan(2);

    const done = await waitFor(
      async () => {
        const j = await call('GET', `/api/v1/ingest/jobs/${String(job.job_id)}`, { headers: auth });
        if (j.status === 'failed') throw new Error(`ingest failed: ${JSON.stringify(j)}`);
        return j.status === 'completed' ? j : undefined;
      },
      60_000,
      200,
    );
    expect(done).toMatchObject({ rows_total: rows, rows_inserted: rows, rows_failed: 0 });
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    const [{ n }] = (
      await owner.query(`SELECT count(*)::int AS n FROM products WHERE vendor_id = $1`, [
        (vendor.vendor as { id: string }).id,
      ])
    ).rows;
    await owner.end();
    expect(n).toBe(rows);
    timings.tus_failover_seconds = (Date.now() - started) / 1000;
  }, 120_000);

  it('drains 200 report jobs with two workers, none generated twice', async () => {
    const started = Date.now();
    const tokens: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      tokens.push(
        ...(await Promise.all(Array.from({ length: 10 }, (_, i) => payForReport(1 + batch * 10 + i)))),
      );
    }
    timings.pay_200_seconds = (Date.now() - started) / 1000;
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      await waitFor(
        async () => {
          const { rows } = await owner.query(
            `SELECT count(*) FILTER (WHERE status = 'completed')::int AS done, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM reports`,
          );
          if (rows[0].failed > 0) throw new Error(`${rows[0].failed} reports failed`);
          return rows[0].done === 201 ? true : undefined;
        },
        120_000,
        200,
      );
      const { rows: twice } = await owner.query(
        `SELECT report_id, count(*)::int AS n FROM report_revisions GROUP BY report_id HAVING count(*) <> 1`,
      );
      expect(twice).toEqual([]);
      const { rows: jobs } = await owner.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE retry_count > 0)::int AS retried
           FROM pgboss.job WHERE name = 'report.generate' AND state = 'completed'`,
      );
      expect(jobs[0]).toEqual({ n: 201, retried: 0 });
      // both workers took their share
      for (const port of healthPorts) {
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        const done = /worker_jobs_total\{queue="report.generate",outcome="completed"\} (\d+)/.exec(metrics);
        expect(Number(done?.[1] ?? 0)).toBeGreaterThan(10);
      }
    } finally {
      await owner.end();
    }
    timings.drain_200_seconds = (Date.now() - started) / 1000;
  }, 240_000);

  it('stops every process cleanly on SIGTERM (exit 0 within the shutdown timeout)', async () => {
    const live = procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    expect(live.map((p) => p.name).sort()).toEqual(['api-2', 'worker-1', 'worker-2']);
    const started = Date.now();
    for (const p of live) p.child.kill('SIGTERM');
    const exits = await Promise.all(live.map((p) => p.exit));
    timings.sigterm_seconds = (Date.now() - started) / 1000;
    expect(exits).toEqual(live.map(() => ({ code: 0, signal: null })));
    expect(timings.sigterm_seconds).toBeLessThan(15);
    const logs = procs.map((p) => p.output.join('')).join('\n');
    expect(logs).not.toMatch(/production loaded/);
  }, 60_000);
});

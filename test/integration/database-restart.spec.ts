import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '#libs/db/embedded';
import { configFor, migrateAll } from '../../scripts/database.js';
import { AppProcesses } from '../support/app-processes.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { httpCall, payForReport } from '../../bench/support/http-funnel.js';
import pg from 'pg';
import { waitFor } from '../support/wait.js';

/**
 * PostgreSQL restarted (fast shutdown, start) under a running api and worker, with a report job
 * in flight: both processes stay up, answer 503 + Retry-After while the server is away (never
 * hang, never 500), serve again within RECOVERY_SECONDS of the server accepting connections, and
 * the job in flight completes. Its own PostgreSQL server: the shared test server is not restarted
 * under the other test files.
 */
const RECOVERY_SECONDS = 5; // stated in README ("Operations: a database restart")
const ADMIN_API_KEY = randomBytes(24).toString('base64url');
describe('a database restart under live api and worker processes (integration)', () => {
  let dir: string;
  let port: number;
  let server: RunningPostgres;
  const anthropic = new FakeAnthropic();
  let apps: AppProcesses;
  let base: string;

  const startPostgres = () =>
    startEmbeddedPostgres({ dir: join(dir, 'pg'), database: 'nutrition', port, settings: { fsync: 'off' } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nrp-restart-'));
    chmodSync(dir, 0o755); // the postgres OS user (when run as root) must reach the cluster
    port = await freePort();
    server = await startPostgres();
    await migrateAll(configFor(server.url));
    await anthropic.start();
    apps = await new AppProcesses({
      NODE_ENV: 'production',
      DATABASE_URL: server.url,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      VAULT_MASTER_KEY: randomBytes(32).toString('hex'),
      ADMIN_API_KEY,
      PAYMENTS_ENABLED: 'true',
      PAYMENTS_ALLOW_SANDBOX: 'true',
      ANTHROPIC_API_KEY: 'sk-ant-fake-key',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      DATA_DIR: join(dir, 'data'),
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
    }).start();
    base = apps.base;
  }, 120_000);

  afterAll(async () => {
    await apps?.kill();
    if (anthropic.port) await anthropic.stop();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The api's count of credential checks answered from its cache (its /metrics). */
  const cacheAnswers = async (): Promise<number> => {
    const text = await (await fetch(`${base}/metrics`)).text();
    return Number(/^vendor_auth_lookups_total\{source="cache"\} (\d+)/m.exec(text)?.[1] ?? 0);
  };
  const search = (key: string) =>
    fetch(`${base}/api/v1/search?q=bar`, { headers: { authorization: `Bearer ${key}` } }).then(
      (r) => r.status,
    );

  it('keeps both processes up, answers 503 while PostgreSQL is away, recovers at once, finishes the job in flight', async () => {
    // a vendor key the api has learnt (its credential cache listens for changes on its own connection)
    const created = await fetch(`${base}/api/v1/admin/vendors`, {
      method: 'POST',
      headers: { 'x-admin-key': ADMIN_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'restart-vendor', name: 'Restart Vendor', category: 'grocery' }),
    });
    const { vendor, api_key: apiKey } = (await created.json()) as {
      vendor: { id: string };
      api_key: { id: string; key: string };
    };
    expect(await search(apiKey.key)).toBe(200);

    // a report whose generation is waiting on the model when the database goes away
    let release!: () => void;
    anthropic.queue.push({ kind: 'held', until: new Promise<void>((r) => (release = r)) });
    const inFlight = await payForReport(base, 1);
    await waitFor(async () => (anthropic.calls.length > 0 ? true : undefined), 30_000);

    await server.stop(); // SIGINT: PostgreSQL's fast shutdown, every session terminated (57P01)
    const during = await fetch(`${base}/api/v1/calculator/sessions`, {
      method: 'POST',
      headers: { 'x-forwarded-for': '203.0.113.99' },
    });
    expect(during.status).toBe(503);
    expect(Number(during.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await during.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
    expect((await fetch(`${base}/health/ready`)).status).toBe(503);

    server = await startPostgres();
    const back = Date.now();
    release();
    await waitFor(
      async () => {
        const res = await fetch(`${base}/api/v1/calculator/sessions`, {
          method: 'POST',
          headers: { 'x-forwarded-for': '203.0.113.98' },
        });
        return res.status === 201 ? true : undefined;
      },
      RECOVERY_SECONDS * 1000,
      100,
    );
    const recovery = (Date.now() - back) / 1000;
    console.log(
      `database restart: serving again ${recovery.toFixed(2)} s after PostgreSQL accepted connections`,
    );
    expect(recovery).toBeLessThan(RECOVERY_SECONDS);

    // the job caught by the restart completes (retried if its write met the outage)
    await waitFor(
      async () => {
        const s = await httpCall(base, 'GET', `/api/v1/reports/${inFlight}/status`);
        return s.status === 'completed' ? true : undefined;
      },
      90_000,
      200,
    );
    // and new work flows: the worker's connections (and its LISTEN) came back
    const after = await payForReport(base, 2);
    await waitFor(
      async () => {
        const s = await httpCall(base, 'GET', `/api/v1/reports/${after}/status`);
        return s.status === 'completed' ? true : undefined;
      },
      30_000,
      100,
    );
    // the credential cache listens again: checks are answered from memory once more, and a
    // revocation made by SQL (no api involved) reaches it through the new listening connection
    const before = await cacheAnswers();
    await waitFor(
      async () => ((await search(apiKey.key)) === 200 && (await cacheAnswers()) > before ? true : undefined),
      10_000,
      100,
    );
    const sql = new pg.Client({ connectionString: server.url });
    await sql.connect();
    try {
      await sql.query(`UPDATE vendor_api_keys SET revoked_at = now() WHERE id = $1 AND vendor_id = $2`, [
        apiKey.id,
        vendor.id,
      ]);
    } finally {
      await sql.end();
    }
    await waitFor(async () => ((await search(apiKey.key)) === 401 ? true : undefined), 5_000, 20);
    expect(apps.alive()).toBe(true);
    expect((await fetch(`${apps.workerBase}/health`)).status).toBe(200);
    expect(apps.output()).not.toMatch(/Unhandled 'error' event|uncaught/i);
  }, 180_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startEmbeddedPostgres, type RunningPostgres } from '#libs/db/embedded';
import { configFor, migrateAll } from '../../scripts/database.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { httpCall, payForReport } from '../support/http-funnel.js';
import { waitFor } from '../support/wait.js';

/**
 * PostgreSQL restarted (fast shutdown, start) under a running api and worker, with a report job
 * in flight: both processes stay up, answer 503 + Retry-After while the server is away (never
 * hang, never 500), serve again within RECOVERY_SECONDS of the server accepting connections, and
 * the job in flight completes. Its own PostgreSQL server: the shared test server is not restarted
 * under the other test files.
 */
const RECOVERY_SECONDS = 5; // stated in README ("Operations: a database restart")
const dist = (p: string) => fileURLToPath(new URL(`../../dist/${p}`, import.meta.url));

interface Proc {
  child: ChildProcess;
  output: string[];
}

describe('a database restart under live api and worker processes (integration)', () => {
  let dir: string;
  let port: number;
  let server: RunningPostgres;
  const anthropic = new FakeAnthropic();
  const procs: Proc[] = [];
  let base: string;
  let workerHealth: string;

  const startPostgres = () =>
    startEmbeddedPostgres({ dir: join(dir, 'pg'), database: 'nutrition', port, settings: { fsync: 'off' } });

  function start(script: string, env: NodeJS.ProcessEnv): Proc {
    const output: string[] = [];
    const child = spawn(process.execPath, [dist(script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
    child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
    const proc = { child, output };
    procs.push(proc);
    return proc;
  }

  const alive = () => procs.every((p) => p.child.exitCode === null && p.child.signalCode === null);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nrp-restart-'));
    chmodSync(dir, 0o755); // the postgres OS user (when run as root) must reach the cluster
    port = await freePort();
    server = await startPostgres();
    await migrateAll(configFor(server.url));
    await anthropic.start();
    const apiPort = await freePort();
    const healthPort = await freePort();
    base = `http://127.0.0.1:${apiPort}`;
    workerHealth = `http://127.0.0.1:${healthPort}/health`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: server.url,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      VAULT_MASTER_KEY: randomBytes(32).toString('hex'),
      ADMIN_API_KEY: randomBytes(24).toString('base64url'),
      PAYMENTS_ENABLED: 'true',
      PAYMENTS_ALLOW_SANDBOX: 'true',
      ANTHROPIC_API_KEY: 'sk-ant-fake-key',
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      DATA_DIR: join(dir, 'data'),
      PUBLIC_BASE_URL: base,
      TRUST_PROXY: '1',
      LOG_LEVEL: 'warn',
      PORT: String(apiPort),
      HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(healthPort),
      WORKER_SHUTDOWN_TIMEOUT_MS: '5000',
    };
    start('apps/api/src/main.js', env);
    start('apps/worker/src/main.js', env);
    for (const url of [`${base}/health/ready`, workerHealth])
      await waitFor(
        async () => {
          if (!alive())
            throw new Error(`a process exited:\n${procs.map((p) => p.output.join('')).join('\n')}`);
          return (await fetch(url).catch(() => null))?.ok ? true : undefined;
        },
        60_000,
        100,
      );
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    if (anthropic.port) await anthropic.stop();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps both processes up, answers 503 while PostgreSQL is away, recovers at once, finishes the job in flight', async () => {
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
    expect(alive()).toBe(true);
    expect((await fetch(workerHealth)).status).toBe(200);
    expect(procs.map((p) => p.output.join('')).join('\n')).not.toMatch(/Unhandled 'error' event|uncaught/i);
  }, 180_000);
});

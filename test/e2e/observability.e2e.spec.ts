import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcesses } from '../support/app-processes.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { httpCall, payForReport } from '../../bench/support/http-funnel.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait.js';

/**
 * What an operator follows, on the built api and worker as processes: a request's id on every
 * log line of the jobs it caused (the report, its mail; a webhook delivery), one line per job
 * outcome, and /metrics of both processes that Prometheus' own checker accepts.
 */
const ADMIN_KEY = 'observability-admin-key-0123456789abcdef';
/** Prometheus' linter on PATH (.ci/run fetches it); without it the lint step is skipped, by name. */
const PROMTOOL = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v promtool'], { stdio: 'ignore' });
    return true;
  } catch {
    console.warn('SKIPPED "promtool check metrics" in the metrics test: no promtool on PATH');
    return false;
  }
})();

describe('operability: follow a request through its jobs, metrics a scraper accepts (e2e)', () => {
  let db: TestDatabase;
  let apps: AppProcesses;
  let dataDir: string;
  const smtp = new SmtpReceiver();
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    db = await createTestDatabase();
    await smtp.start();
    await receiver.start();
    dataDir = mkdtempSync(join(tmpdir(), 'nrp-observe-'));
    chmodSync(dataDir, 0o755);
    apps = await new AppProcesses({
      NODE_ENV: 'development',
      DATABASE_URL: db.url,
      ADMIN_API_KEY: ADMIN_KEY,
      PAYMENTS_ENABLED: 'true',
      SMTP_URL: smtp.url,
      WEBHOOKS_ALLOW_HTTP: 'true',
      WEBHOOKS_ALLOW_PRIVATE_TARGETS: 'true',
      DATA_DIR: dataDir,
      TRUST_PROXY: '1',
      LOG_LEVEL: 'info',
    }).start();
  }, 120_000);

  afterAll(async () => {
    await apps?.kill();
    await smtp.stop();
    await receiver.stop();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const jobLines = (requestId: string) =>
    apps.logLines('worker').filter((l) => l.request_id === requestId && typeof l.queue === 'string');

  it("puts a paid report's request id on its job's log lines and its mail's", async () => {
    const requestId = `pay-${randomUUID()}`;
    const token = await payForReport(apps.base, 1, { headers: { 'x-request-id': requestId } });
    await waitFor(async () => {
      const s = await httpCall(apps.base, 'GET', `/api/v1/reports/${token}/status`);
      return s.status === 'completed' ? true : undefined;
    }, 30_000);
    await smtp.waitFor('person1@example.com');
    const outcome = (queue: string) =>
      waitFor(
        async () => jobLines(requestId).find((l) => l.queue === queue && l.msg === 'job completed'),
        15_000,
      );
    const report = await outcome('report.generate');
    const mail = await outcome('mail.send');
    for (const line of [report, mail]) {
      expect(line).toMatchObject({ attempt: 1, outcome: 'completed', name: 'worker' });
      expect(line.job_id).toEqual(expect.any(String));
      expect(line.duration_ms).toEqual(expect.any(Number));
      expect(line.waited_ms).toEqual(expect.any(Number));
    }
    // the api's line for the request that paid carries the same id
    expect(apps.logLines('api').some((l) => (l.req as { id?: string } | undefined)?.id === requestId)).toBe(
      true,
    );
  }, 60_000);

  it("puts the request id on the webhook delivery's log lines", async () => {
    const created = await httpCall(apps.base, 'POST', '/api/v1/admin/vendors', {
      headers: { 'x-admin-key': ADMIN_KEY },
      body: { slug: 'observed', name: 'Observed vendor', category: 'grocery' },
    });
    const auth = {
      authorization: `Bearer ${String((created.api_key as { key: string }).key)}`,
    };
    const endpoint = await httpCall(apps.base, 'POST', '/api/v1/webhooks/endpoints', {
      headers: { ...auth, 'idempotency-key': randomUUID() },
      body: { url: `${receiver.url}/hooks`, events: ['webhook.test'] },
    });
    const requestId = `hook-${randomUUID()}`;
    await httpCall(apps.base, 'POST', `/api/v1/webhooks/endpoints/${String(endpoint.id)}/test`, {
      headers: { ...auth, 'idempotency-key': randomUUID(), 'x-request-id': requestId },
    });
    await receiver.waitFor('/hooks');
    const delivered = await waitFor(
      async () => jobLines(requestId).find((l) => l.queue === 'webhook.deliver' && l.msg === 'job completed'),
      15_000,
    );
    expect(delivered).toMatchObject({ outcome: 'completed', attempt: 1 });
  }, 60_000);

  it('serves /metrics on the api and the worker that promtool accepts, with the pool and queue figures', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nrp-metrics-'));
    try {
      for (const [name, url] of [
        ['api', `${apps.base}/metrics`],
        ['worker', `${apps.workerBase}/metrics`],
      ] as const) {
        const res = await fetch(url);
        expect(res.status).toBe(200);
        const text = await res.text();
        const file = join(dir, `${name}.prom`);
        writeFileSync(file, text);
        // Prometheus' own linter: exit 0 and no complaints (.ci/run fetches it when missing)
        if (PROMTOOL) {
          let out = '';
          try {
            out = execFileSync('sh', ['-c', `promtool check metrics < ${file} 2>&1`]).toString();
          } catch (e) {
            out = String((e as { stdout: Buffer }).stdout);
          }
          expect(out.trim()).toBe('');
        }
        for (const metric of [
          'db_pool_connections{pool="main"}',
          'db_pool_idle_connections{pool="queue"}',
          'db_pool_waiting_clients{pool="main"}',
          'db_pool_max_connections{pool="queue"}',
          'queue_jobs{queue="report.generate",state="ready"}',
          'queue_oldest_ready_age_seconds{queue="report.generate"}',
        ])
          expect(text).toContain(metric);
        expect(text).not.toMatch(/state="total"/);
        expect(text).not.toMatch(/queue="__pgboss/);
      }
      const worker = await (await fetch(`${apps.workerBase}/metrics`)).text();
      expect(worker).toMatch(/worker_jobs_total\{queue="report.generate",outcome="completed"\} [1-9]/);
      expect(worker).toMatch(/worker_job_wait_seconds_count\{queue="report.generate"\} [1-9]/);
      const api = await (await fetch(`${apps.base}/metrics`)).text();
      expect(api).toContain('db_pool_connections{pool="bookkeeping"}');

      // the Grafana dashboard in docs/ is built on names these processes export
      const dashboard = JSON.parse(
        readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
      ) as {
        panels: { targets?: { expr: string }[] }[];
      };
      const exported = new Set([...`${api}\n${worker}`.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
      const used = dashboard.panels
        .flatMap((p) => p.targets ?? [])
        // our metric names (labels never carry these prefixes)
        .flatMap((t) => [...t.expr.matchAll(/\b((?:http|db|queue|worker)_[a-z_]+)/g)].map((m) => m[1]!))
        .map((name) => name.replace(/_(bucket|count|sum)$/, ''));
      expect(used.length).toBeGreaterThan(10);
      expect(used.filter((name) => !exported.has(name))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

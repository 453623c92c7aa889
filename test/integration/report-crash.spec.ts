import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { paidReport } from '../support/paid-report.js';
import { waitFor } from '../support/wait.js';
import { workerProcesses } from '../support/worker-processes.js';

/**
 * A worker killed (SIGKILL) while it writes a report (its Anthropic call in flight): with the
 * shipped queue settings the report's job heartbeat goes silent, another worker takes it within
 * 60 s and completes it; meanwhile the status promises no time for the dead attempt, and the
 * progress stream shows a new attempt without repeating sections.
 */
describe('report generation survives a killed worker (integration)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let fake: FakeAnthropic;
  let env: NodeJS.ProcessEnv;

  const workers = workerProcesses(() => env);
  const startWorker = () => workers.start();

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await new FakeAnthropic().start();
    env = {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      WORKER_QUEUES: 'report.generate',
      ANTHROPIC_API_KEY: 'sk-ant-fake',
      ANTHROPIC_BASE_URL: fake.baseUrl,
    };
    app = await createApiApp(testConfig(db.url));
  });

  afterAll(async () => {
    workers.killAll();
    await app.close();
    await fake.stop();
    await db.drop();
  });

  it('is completed by another worker within 60 s, with no time promised for the dead attempt', async () => {
    fake.queue.push({ kind: 'hang' });
    const { token } = await paidReport(app);
    const first = startWorker();
    await waitFor(async () => (fake.calls.length >= 1 ? true : undefined), 30_000);
    const status = async () => (await app.inject({ url: `/api/v1/reports/${token}/status` })).json();
    expect((await status()).status).toBe('generating');
    first.kill('SIGKILL');
    const killedAt = Date.now();
    startWorker();

    const seen: (number | null)[] = [];
    const done = await waitFor(
      async () => {
        const s = await status();
        if (s.status === 'generating') seen.push(s.time_remaining_seconds);
        return s.status === 'completed' ? s : undefined;
      },
      60_000,
      250,
    );
    const seconds = (Date.now() - killedAt) / 1000;
    console.log(`report completed ${seconds.toFixed(1)} s after its worker was killed`);
    expect(seconds).toBeLessThan(60);
    expect(done.progress).toBe(100);
    // once the dead attempt was known to be dead, no estimate
    expect(seen).toContain(null);

    // the stream: a new attempt, the stages again, every section once
    const events: { type: string; data: { key?: string; attempt?: number } }[] = await (
      await db.owner()
    ).query(
      `SELECT e.type, e.data FROM report_events e JOIN reports r ON r.id = e.report_id
        WHERE r.id = (SELECT report_id FROM report_access_tokens LIMIT 1) ORDER BY e.id`,
    );
    expect(events.filter((e) => e.type === 'attempt')).toEqual([{ type: 'attempt', data: { attempt: 2 } }]);
    const keys = events.filter((e) => e.type === 'section').map((e) => e.data.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
    expect(events.at(-1)!.type).toBe('complete');
  }, 120_000);
});

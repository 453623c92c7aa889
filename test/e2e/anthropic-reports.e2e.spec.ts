import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { metricsRegistry } from '#libs/metrics';
import { ReportGenerationService } from '#libs/reports';
import { ADMIN_KEY } from '../support/vendor-client.js';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { FakeAnthropic } from '../support/fake-anthropic.js';
import { paidReport } from '../support/paid-report.js';

/** The real @anthropic-ai/sdk against a local fake Messages API (ANTHROPIC_BASE_URL). */
describe('reports written by the Anthropic API (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let ds: DataSource;
  let fake: FakeAnthropic;
  let generation: ReportGenerationService;

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await new FakeAnthropic().start();
    app = await createApiApp(
      testConfig(db.url, {
        ANTHROPIC_API_KEY: 'sk-ant-test',
        ANTHROPIC_BASE_URL: fake.baseUrl,
        ANTHROPIC_MAX_TOKENS: '3000',
        ADMIN_API_KEY: ADMIN_KEY,
      }),
    );
    ds = await db.owner();
    generation = app.get(ReportGenerationService);
  });

  const authErrors = async () => {
    const text = await metricsRegistry().metrics();
    return Number(/llm_errors_total\{kind="auth"\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  afterAll(async () => {
    await app.close();
    await fake.stop();
    await db.drop();
  });

  beforeEach(() => {
    fake.calls.length = 0;
    fake.queue.length = 0;
  });

  async function newReport(): Promise<{ id: string; token: string }> {
    const { token } = await paidReport(app);
    const [{ id }] = await ds.query(`SELECT id FROM reports ORDER BY created_at DESC LIMIT 1`);
    return { id, token };
  }
  const page = async (token: string) => (await app.inject({ url: `/api/v1/reports/${token}` })).json();

  it('streams the narrative, keeps numbers from code, re-asks for failing sections and logs every call', async () => {
    const { id, token } = await newReport();
    fake.queue.push({
      kind: 'text',
      write: (key) =>
        key === 'first_action'
          ? 'Start with shrimp skewers tonight, Michael. They are quick and satisfying for a busy evening.'
          : key === 'medical_disclaimer'
            ? 'Michael, talk to your doctor about Metformin before you change anything in your diet.'
            : `MODEL ${key}: Michael, here is thoughtful advice written for you. ${'More detail follows. '.repeat(3)}`,
    });
    fake.queue.push({
      kind: 'text',
      write: (key) =>
        `RETRY ${key}: Michael, ${key === 'medical_disclaimer' ? 'Metformin and Lisinopril doses may need adjusting with your doctor.' : 'cook a simple pan of ground meat tonight and salt it well.'}`,
    });

    expect(await generation.generate(id, { retryCount: 0, lastAttempt: false })).toBe('completed');
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[0]!.body).toMatchObject({
      model: 'claude-opus-4-5-20251101',
      max_tokens: 3000,
      stream: true,
    });
    expect(fake.calls[0]!.sections).not.toContain('daily_targets'); // numbers are code-owned
    expect(fake.calls[1]!.sections.sort()).toEqual(['first_action', 'medical_disclaimer']);

    const report = await page(token);
    expect(report.markdown).toContain('MODEL mission\\_brief');
    expect(report.markdown).toContain('RETRY first\\_action');
    expect(report.markdown).toMatch(/Metformin and Lisinopril doses/);
    expect(report.markdown).not.toMatch(/shrimp/i);
    expect(report.markdown).toMatch(/\| Calories \| 1958 kcal \|/);

    const logs = await ds.query(
      `SELECT request_id, model, purpose, input_tokens, output_tokens, status, cost_usd::float FROM llm_api_logs WHERE report_id = $1 ORDER BY id`,
      [id],
    );
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({
      request_id: 'req_fake_1',
      purpose: 'report',
      status: 'ok',
      model: 'claude-opus-4-5-20251101',
    });
    expect(logs[0].input_tokens).toBeGreaterThan(0);
    expect(logs[0].cost_usd).toBeCloseTo((logs[0].input_tokens * 5 + logs[0].output_tokens * 25) / 1e6, 6);
  });

  it('falls back to the composer for a section that fails twice', async () => {
    const { id, token } = await newReport();
    fake.fallback = {
      kind: 'text',
      write: (key) =>
        key === 'closing'
          ? 'Enjoy some shrimp, Michael, you deserve a treat today.'
          : `MODEL ${key}: Michael, ${'steady advice. '.repeat(5)} Metformin Lisinopril`,
    };
    await generation.generate(id, { retryCount: 0, lastAttempt: false });
    const report = await page(token);
    expect(report.markdown).toContain('One meal at a time, Michael.'); // the composer's closing
    expect(report.markdown).not.toMatch(/shrimp/i);
    fake.fallback = {
      kind: 'text',
      write: (key) => `Model text for ${key}. ${'Steady, specific advice. '.repeat(4)}`,
    };
  });

  it('rate limited and overloaded: the SDK backs off; still failing, the job is retried, and the last attempt uses the composer', async () => {
    const { id, token } = await newReport();
    fake.queue.push(
      { kind: 'error', status: 429, type: 'rate_limit_error' },
      { kind: 'error', status: 529, type: 'overloaded_error' },
      { kind: 'error', status: 529, type: 'overloaded_error' },
    );
    await expect(generation.generate(id, { retryCount: 0, lastAttempt: false })).rejects.toThrow(
      /overloaded/,
    );
    expect(fake.calls).toHaveLength(3); // first try + 2 SDK retries
    expect((await ds.query(`SELECT status FROM reports WHERE id = $1`, [id]))[0].status).toBe('generating');
    const [log] = await ds.query(`SELECT status, error FROM llm_api_logs WHERE report_id = $1`, [id]);
    expect(log).toEqual({ status: 'error', error: expect.stringMatching(/overloaded/) });

    fake.queue.push(
      ...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 529, type: 'overloaded_error' })),
    );
    expect(await generation.generate(id, { retryCount: 4, lastAttempt: true })).toBe('completed');
    expect((await page(token)).markdown).toContain('One meal at a time, Michael.');
  });

  it('an authentication error falls back to the composer at once, and says so everywhere', async () => {
    const before = await authErrors();
    expect((await app.inject({ url: '/health/ready' })).json().checks.generator).toBe('ok');
    const { id, token } = await newReport();
    fake.queue.push({ kind: 'error', status: 401, type: 'authentication_error' });
    expect(await generation.generate(id, { retryCount: 0, lastAttempt: false })).toBe('completed');
    expect(fake.calls).toHaveLength(1);
    expect((await page(token)).status).toBe('completed');
    // the revision records the fallback and why; the failed call its kind
    const [revision] = await ds.query(
      `SELECT generator, fallback_reason FROM report_revisions WHERE report_id = $1`,
      [id],
    );
    expect(revision.fallback_reason).toMatch(/^anthropic auth: /);
    const [call] = await ds.query(`SELECT error_kind FROM llm_api_logs WHERE report_id = $1`, [id]);
    expect(call.error_kind).toBe('auth');
    // the metric, readiness (degraded generator, still ready) and the admin stats
    expect(await authErrors()).toBe(before + 1);
    const ready = await app.inject({ url: '/health/ready' });
    expect([ready.statusCode, ready.json().checks.generator]).toEqual([200, 'degraded']);
    const stats = (
      await app.inject({ url: '/api/v1/admin/reports/stats', headers: { 'x-admin-key': ADMIN_KEY } })
    ).json();
    expect(stats.fallbacks).toBeGreaterThanOrEqual(1);
    expect(stats.llm_errors).toContainEqual({ kind: 'auth', count: expect.any(Number) });
  });

  it('sends every answer of the form (but e-mail and last name) and the tier’s sections', async () => {
    const { id } = await newReport();
    expect(await generation.generate(id, { retryCount: 0, lastAttempt: false })).toBe('completed');
    const prompt = fake.calls[0]!.body.messages[0]!.content;
    for (const field of [
      'height_cm',
      'weight_kg',
      'lifestyle_activity',
      'exercise_frequency',
      'deficit_percentage',
    ])
      expect(prompt).toContain(`"${field}"`);
    expect(prompt).not.toContain('@example');
    expect(prompt).not.toContain('"last_name"');
    expect(prompt).toMatch(/report has these sections: .+;/);
  });
});

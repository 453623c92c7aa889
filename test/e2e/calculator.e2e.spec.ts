import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApiApp } from '../support/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { CalculatorClient, MICHAEL } from '../support/calculator-client.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { paidReport } from '../support/paid-report.js';
import { SmtpReceiver } from '../support/smtp-receiver.js';
import { waitFor } from '../support/wait.js';

describe('calculator and sandbox payments (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext;
  let smtp: SmtpReceiver;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await new SmtpReceiver().start();
    const config = testConfig(db.url, { SMTP_URL: smtp.url, PUBLIC_BASE_URL: 'https://reports.example' });
    [app, worker] = await Promise.all([createApiApp(config), createWorkerApp(config)]);
    ds = await db.owner();
  });

  afterAll(async () => {
    await Promise.all([app.close(), worker.close()]);
    await smtp.stop();
    await db.drop();
  });

  const client = () => new CalculatorClient(app).start();

  it('serves the questions schema from the validators’ own definitions', async () => {
    const res = await app.inject({ url: '/api/v1/calculator/questions' });
    const steps = res.json().steps;
    expect(steps.map((s: { step: number }) => s.step)).toEqual([1, 2, 3, 4]);
    const conditions = steps[3].fields.find((f: { name: string }) => f.name === 'conditions');
    expect(conditions.choices.map((c: { value: string }) => c.value)).toContain('fatty_liver');
    const age = steps[0].fields.find((f: { name: string }) => f.name === 'age');
    expect([age.min, age.max]).toEqual([18, 100]);
  });

  it('lists the four tiers with price, sections, expiry and revisions', async () => {
    const tiers = (await app.inject({ url: '/api/v1/calculator/tiers' })).json().tiers;
    expect(tiers.map((t: { code: string; price_cents: number }) => [t.code, t.price_cents])).toEqual([
      ['bundle', 999],
      ['shopping', 1900],
      ['meal_plan', 2700],
      ['doctor', 1500],
    ]);
    const doctor = tiers.find((t: { code: string }) => t.code === 'doctor');
    expect(doctor).toMatchObject({ report_expiry_days: 180, revisions: 5 });
    expect(doctor.sections).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  });

  it('walks the whole funnel: session → steps → checkout → sandbox payment → verify → queued report', async () => {
    const c = await client();
    const patch = await c.request('PATCH', `/calculator/sessions/${c.id}`, { sex: 'male', age: 35 });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toEqual({ completion_percent: 12, step_completed: 0 });

    expect((await c.step(1, MICHAEL.step1)).json()).toMatchObject({
      step_completed: 1,
      completion_percent: 25,
    });
    expect((await c.step(2, MICHAEL.step2)).json()).toMatchObject({ step_completed: 2 });
    const macros = (await c.step(3, {})).json();
    expect(macros).toMatchObject({
      bmr: 1780,
      tdee: 2448,
      calories: 1958,
      protein_grams: 130,
      carbs_grams: 20,
    });
    expect(
      Math.abs(macros.calories - (4 * macros.protein_grams + 4 * macros.carbs_grams + 9 * macros.fat_grams)),
    ).toBeLessThanOrEqual(10);
    const step4 = (await c.step(4, MICHAEL.step4)).json();
    expect(step4.step_completed).toBe(4);
    expect(step4.warnings.map((w: { code: string }) => w.code)).toContain('medical_supervision');

    const session = (await c.request('GET', `/calculator/sessions/${c.id}`)).json();
    expect(session).toMatchObject({
      status: 'in_progress',
      step_completed: 4,
      completion_percent: 100,
      macros: { calories: 1958 },
    });

    const checkout = await c.checkout('doctor');
    expect(checkout.checkout_url).toBe(
      `https://reports.example/api/v1/payments/sandbox/${checkout.checkout_session_id}`,
    );
    const unpaid = await c.verify(checkout.checkout_session_id);
    expect(unpaid.statusCode).toBe(409);
    expect(unpaid.json().error.code).toBe('payment_not_completed');

    const paid = await app.inject({
      method: 'POST',
      url: `/api/v1/payments/sandbox/${checkout.checkout_session_id}/complete`,
    });
    expect(paid.json()).toEqual({ checkout_session_id: checkout.checkout_session_id, status: 'paid' });

    const verified = await c.verify(checkout.checkout_session_id);
    expect(verified.statusCode).toBe(200);
    expect(verified.headers['cache-control']).toBe('no-store');
    expect(verified.headers['referrer-policy']).toBe('no-referrer');
    const body = verified.json();
    expect(body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.report_url).toBe(`https://reports.example/r/${body.access_token}`);
    expect(body.status_url).toBe(`https://reports.example/api/v1/reports/${body.access_token}/status`);
    expect(new Date(body.expires_at).getTime() - Date.now()).toBeGreaterThan(179 * 86_400_000);

    const [report] = await ds.query(`SELECT id, status, tier, email FROM reports WHERE session_id = $1`, [
      c.id,
    ]);
    expect(report).toMatchObject({ tier: 'doctor', email: 'michael@example.com' });
    expect(['queued', 'generating', 'completed']).toContain(report.status); // the worker is running
    const jobs = await ds.query(
      `SELECT id FROM pgboss.job WHERE name = 'report.generate' AND data->>'reportId' = $1`,
      [report.id],
    );
    expect(jobs).toHaveLength(1);
    const tokens = await ds.query(`SELECT token_hash FROM report_access_tokens WHERE report_id = $1`, [
      report.id,
    ]);
    expect(tokens[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens[0].token_hash).not.toContain(body.access_token);

    // Paid: the session is frozen.
    expect((await c.step(1, MICHAEL.step1)).json().error.code).toBe('session_locked');
    expect((await c.request('PATCH', `/calculator/sessions/${c.id}`, { age: 40 })).statusCode).toBe(409);
  });

  it('verify again or concurrently: one report, a working token each time', async () => {
    const c = await client();
    await c.completeSteps();
    const { checkout_session_id } = await c.checkout('bundle');
    await app.inject({ method: 'POST', url: `/api/v1/payments/sandbox/${checkout_session_id}/complete` });
    const results = await Promise.all([
      c.verify(checkout_session_id),
      c.verify(checkout_session_id),
      c.verify(checkout_session_id),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const tokens = new Set(results.map((r) => r.json().access_token));
    expect(tokens.size).toBe(3);
    expect(await ds.query(`SELECT id FROM reports WHERE session_id = $1`, [c.id])).toHaveLength(1);
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM pgboss.job j JOIN reports r ON j.data->>'reportId' = r.id::text WHERE r.session_id = $1`,
      [c.id],
    );
    expect(n).toBe(1);
  });

  it('verify before the sandbox webhook-equivalent also creates exactly one report', async () => {
    const c = await client();
    await c.completeSteps();
    const { checkout_session_id } = await c.checkout('meal_plan');
    await ds.query(`UPDATE sandbox_checkouts SET status = 'paid' WHERE id = $1`, [checkout_session_id]); // paid, not yet processed
    expect((await c.verify(checkout_session_id)).statusCode).toBe(200);
    await app.inject({ method: 'POST', url: `/api/v1/payments/sandbox/${checkout_session_id}/complete` });
    expect(await ds.query(`SELECT id FROM reports WHERE session_id = $1`, [c.id])).toHaveLength(1);
  });

  describe('validation', () => {
    it('requires the session token, and only opens its own session', async () => {
      const a = await client();
      const b = await client();
      const none = await app.inject({ url: `/api/v1/calculator/sessions/${a.id}` });
      expect(none.statusCode).toBe(401);
      expect(none.json().error.code).toBe('session_token_required');
      const other = await app.inject({
        url: `/api/v1/calculator/sessions/${a.id}`,
        headers: { 'x-session-token': b.token },
      });
      expect(other.statusCode).toBe(401);
      expect(other.json().error.code).toBe('invalid_session_token');
      const badId = await app.inject({
        url: `/api/v1/calculator/sessions/not-a-uuid`,
        headers: { 'x-session-token': a.token },
      });
      expect(badId.statusCode).toBe(400);
    });

    it('refuses steps out of order with 409', async () => {
      const c = await client();
      const res = await c.step(2, MICHAEL.step2);
      expect(res.statusCode).toBe(409);
      expect(res.json().error.code).toBe('step_out_of_order');
    });

    it('blocks bad step 1 input and names the fields', async () => {
      const c = await client();
      const both = await c.step(1, { sex: 'male', age: 35, height_cm: 178, height_ft: 5, weight_kg: 80 });
      expect(both.statusCode).toBe(400);
      expect(both.json().error.details[0].field).toBe('height_cm');
      const bad = await c.step(1, { sex: 'other', age: 12, height_cm: 500, weight_kg: 80, shoe_size: 44 });
      expect(
        bad
          .json()
          .error.details.map((d: { field: string }) => d.field)
          .sort(),
      ).toEqual(['age', 'height_cm', 'sex', 'shoe_size']);
      const metric = await c.step(1, { sex: 'female', age: 30, height_cm: 165, weight_kg: 60 });
      expect(metric.statusCode).toBe(200);
    });

    it('requires a deficit to lose and warns when it is aggressive', async () => {
      const c = await client();
      await c.step(1, MICHAEL.step1);
      const missing = await c.step(2, { ...MICHAEL.step2, deficit_percentage: undefined });
      expect(missing.json().error.details[0].field).toBe('deficit_percentage');
      const aggressive = await c.step(2, { ...MICHAEL.step2, deficit_percentage: 30 });
      expect(aggressive.statusCode).toBe(200);
      expect(aggressive.json().warnings.map((w: { code: string }) => w.code)).toEqual(['deficit_aggressive']);
    });

    it('recomputes the macros when an earlier step changes after step 3', async () => {
      const c = await client();
      await c.completeSteps();
      await c.step(1, { ...MICHAEL.step1, weight_lbs: 220 });
      const session = (await c.request('GET', `/calculator/sessions/${c.id}`)).json();
      expect(session.macros.protein_grams).toBe(154); // 0.7 × 220
    });

    it('concurrent submissions of the same step all land, and the stored macros match one of them', async () => {
      const c = await client();
      for (const n of [1, 2] as const) await c.step(n, MICHAEL[`step${n}`]);
      const fats = [10, 15, 20, 25, 30];
      const results = await Promise.all(fats.map((f) => c.step(3, { body_fat_percent: f })));
      expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
      const stored = (await c.request('GET', `/calculator/sessions/${c.id}`)).json().macros;
      expect(results.map((r) => r.json().bmr)).toContain(stored.bmr);
      expect(stored.calculation_method).toBe('katch_mcardle');
    });

    it('validates step 4: e-mail, names, enums, control characters and text limits', async () => {
      const c = await client();
      for (const n of [1, 2, 3] as const) await c.step(n, MICHAEL[`step${n}`]);
      const res = await c.step(4, {
        ...MICHAEL.step4,
        email: 'not-an-email',
        first_name: '',
        conditions: ['diabetes', 'vampirism'],
        medications: 'x\u0001y', // a control character (a NUL is refused earlier, as invalid_text)
        additional_notes: 'z'.repeat(5001),
      });
      expect(res.statusCode).toBe(400);
      const fields = res.json().error.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(
        expect.arrayContaining(['email', 'first_name', 'conditions', 'medications', 'additional_notes']),
      );
    });

    it('names each invalid field once: a missing field is "required", a bad one its first problem', async () => {
      const c = await client();
      for (const n of [1, 2, 3] as const) await c.step(n, MICHAEL[`step${n}`]);
      const { last_name: _, ...withoutLastName } = MICHAEL.step4;
      const res = await c.step(4, { ...withoutLastName, first_name: 'x'.repeat(101) });
      expect(res.statusCode).toBe(400);
      const details = res.json().error.details as { field: string; message: string }[];
      expect(details.filter((d) => d.field === 'last_name')).toEqual([
        { field: 'last_name', constraint: 'required', message: 'last_name is required' },
      ]);
      expect(details.filter((d) => d.field === 'first_name')).toHaveLength(1);
      expect(details).toHaveLength(2);
    });

    it('limits step 4 to 3 submissions an hour per session', async () => {
      const c = await client();
      for (const n of [1, 2, 3] as const) await c.step(n, MICHAEL[`step${n}`]);
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await c.step(4, MICHAEL.step4)).statusCode);
      // a resume link is a new token for the same session: it brings no fresh allowance
      const resumed = 'r'.repeat(43);
      await ds.query(
        `INSERT INTO calculator_session_tokens (token_hash, session_id, purpose, expires_at)
         VALUES (encode(sha256($1::bytea), 'hex'), $2, 'resume', now() + interval '7 days')`,
        [resumed, c.id],
      );
      c.token = resumed;
      statuses.push((await c.step(4, MICHAEL.step4)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
    });

    it('validates PATCH fields one by one', async () => {
      const c = await client();
      const res = await c.request('PATCH', `/calculator/sessions/${c.id}`, {
        age: 7,
        goal: 'fly',
        nickname: 'x',
      });
      expect(res.statusCode).toBe(400);
      expect(
        res
          .json()
          .error.details.map((d: { field: string }) => d.field)
          .sort(),
      ).toEqual(['age', 'goal', 'nickname']);
    });

    it('refuses checkout before step 4 and unknown tiers', async () => {
      const c = await client();
      const early = await c.request('POST', '/payments/checkout', { session_id: c.id, tier: 'doctor' });
      expect(early.json().error.code).toBe('steps_incomplete');
      await c.completeSteps();
      const unknown = await c.request('POST', '/payments/checkout', { session_id: c.id, tier: 'platinum' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().error.code).toBe('unknown_tier');
    });

    it('limits payment verification to 5 an hour per session', async () => {
      const c = await client();
      await c.completeSteps();
      const { checkout_session_id } = await c.checkout();
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await c.verify(checkout_session_id)).statusCode);
      expect(statuses).toEqual([409, 409, 409, 409, 409, 429]);
    });
  });

  describe('sandbox refunds and disputes', () => {
    async function paid() {
      const { client: c, token, checkoutId } = await paidReport(app);
      return { c, token, checkoutId };
    }
    const reportStatus = async (token: string) => {
      const res = await app.inject({ url: `/api/v1/reports/${token}/status` });
      return [res.statusCode, res.statusCode === 410 ? res.json().error.code : 'ok'];
    };
    const post = (url: string, payload?: object) =>
      app.inject({ method: 'POST', url: `/api/v1/payments/sandbox/${url}`, ...(payload ? { payload } : {}) });

    it('a partial refund keeps the report, a full one takes it back; a dispute too', async () => {
      const { token, checkoutId } = await paid();
      const part = await post(`${checkoutId}/refund`, { amount_cents: 300 });
      expect([part.statusCode, part.json()]).toEqual([
        200,
        { checkout_session_id: checkoutId, status: 'completed', refunded_cents: 300 },
      ]);
      expect(await reportStatus(token)).toEqual([200, 'ok']);
      const rest = await post(`${checkoutId}/refund`, {});
      expect(rest.json().status).toBe('refunded');
      expect(await reportStatus(token)).toEqual([410, 'report_refunded']);
      expect((await post(`${checkoutId}/refund`, {})).statusCode).toBe(409); // nothing left to refund

      const other = await paid();
      expect((await post(`${other.checkoutId}/dispute`)).json().status).toBe('disputed');
      expect(await reportStatus(other.token)).toEqual([410, 'report_disputed']);
    });
  });

  describe('resume by e-mail', () => {
    it('e-mails a link whose token opens the newest in-progress session', async () => {
      const older = await client();
      await older.request('PATCH', `/calculator/sessions/${older.id}`, { email: 'Resume.Me@Example.com' });
      const newer = await client();
      await newer.request('PATCH', `/calculator/sessions/${newer.id}`, {
        email: 'resume.me@example.com',
        age: 41,
      });

      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/calculator/sessions/resume',
        payload: { email: 'resume.me@example.com' },
      });
      expect(res.statusCode).toBe(202);
      const mail = await smtp.waitFor('resume.me@example.com');
      expect(mail.subject).toBe('Continue your nutrition calculator');
      const m = /resume\?session_id=([0-9a-f-]{36})&session_token=([A-Za-z0-9_-]{43})/.exec(mail.decoded);
      expect(m?.[1]).toBe(newer.id);
      const opened = await app.inject({
        url: `/api/v1/calculator/sessions/${newer.id}`,
        headers: { 'x-session-token': m![2]! },
      });
      expect(opened.statusCode).toBe(200);
      expect(opened.json().answers.age).toBe(41);
      // The worker marks the row sent (and drops the body) just after the SMTP server accepts it.
      const outbox = await waitFor(async () => {
        const [row] = await ds.query(
          `SELECT status, text_body FROM mail_outbox WHERE to_address = 'resume.me@example.com'`,
        );
        return row.status === 'sent' ? row : undefined;
      });
      expect(outbox).toEqual({ status: 'sent', text_body: null }); // the link is not kept after sending
    });

    it('answers 202 for an unknown address and sends nothing', async () => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/calculator/sessions/resume',
        payload: { email: 'nobody@example.com' },
      });
      expect(res.statusCode).toBe(202);
      expect(
        await ds.query(`SELECT id FROM mail_outbox WHERE to_address = 'nobody@example.com'`),
      ).toHaveLength(0);
    });
  });
});

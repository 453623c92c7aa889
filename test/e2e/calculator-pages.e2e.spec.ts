import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { FormBrowser } from '../support/form-browser.js';

/**
 * The calculator as pages, as a browser without script uses them: the session cookie, the form
 * token and same-origin checks, the API's validation shown beside each field, the macros after
 * step 3, tiers from the database, checkout, the resume link through /dev/mail, and the report
 * link sent again from the "link already used" page.
 */
describe('calculator pages (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const METRIC = { sex: 'female', age: 41, height_cm: 168, weight_kg: 72.5 };
  const STEP2 = {
    lifestyle_activity: 'moderate',
    exercise_frequency: '3_4_per_week',
    goal: 'lose',
    deficit_percentage: 15,
    diet_type: 'keto',
  };
  const STEP4 = {
    email: 'Pages.Buyer@Example.com',
    first_name: 'Paula',
    last_name: 'Pages',
    medications: 'Levothyroxine 50mcg daily',
    conditions: ['thyroid', 'hypertension'],
    allergies: ['peanuts'],
  };

  async function started(): Promise<FormBrowser> {
    const b = new FormBrowser(app);
    const res = await b.post('/calculator/start', {});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/calculator/steps/1');
    return b;
  }

  it('serves a landing page that leads to the calculator and the developer links', async () => {
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    for (const href of ['/calculator', '/docs', '/health', '/dev/mail'])
      expect(res.body).toContain(`href="${href}"`);
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });

  it('keeps the session in an HttpOnly, SameSite=Lax cookie scoped to /calculator', async () => {
    const b = new FormBrowser(app);
    const res = await b.post('/calculator/start', {});
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^nrp_calculator=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/calculator/);
    expect(cookie).not.toMatch(/Secure/); // outside production (plain http on localhost)
    // without the cookie every step page sends the browser to the start
    const anonymous = await app.inject({ url: '/calculator/steps/2' });
    expect([anonymous.statusCode, anonymous.headers.location]).toEqual([303, '/calculator']);
  });

  it('walks the four steps with the API’s validation beside each field, then checks out', async () => {
    const b = await started();
    // step 1, metric, with two mistakes: the form comes back with both, values kept
    const bad = await b.submit('/calculator/steps/1', {
      ...METRIC,
      age: 12,
      weight_kg: 'seventy',
      units: 'metric',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('Age must be a whole number from 18 to 100');
    expect(bad.body).toMatch(/Weight \(kg\) must be a number from \d+ to \d+/);
    expect(bad.body).toMatch(/<input[^>]*id="f-age"[^>]*aria-invalid="true"[^>]*autofocus/);
    expect(bad.body).toMatch(/id="f-age"[^>]*aria-describedby="f-age-hint f-age-error"/);
    expect(bad.body).toContain('href="#f-age"'); // the summary links to the field
    expect(bad.body).toMatch(/id="f-height_cm"[^>]*value="168"/);
    // the same rule as the API's (one source): a height the API refuses is refused here
    const short = await b.submit('/calculator/steps/1', { ...METRIC, height_cm: 20, units: 'metric' });
    expect(short.body).toMatch(/Height \(cm\) must be a number from/);

    let res = await b.submit('/calculator/steps/1', { ...METRIC, units: 'metric' });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/calculator/steps/2']);
    // step 2: losing without a deficit is refused by the service's rule, shown at the field
    res = await b.submit('/calculator/steps/2', { ...STEP2, deficit_percentage: undefined });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="f-deficit_percentage-error"/);
    res = await b.submit('/calculator/steps/2', STEP2);
    expect(res.headers.location).toBe('/calculator/steps/3');
    // step 3 → the macros, the same the API computed
    res = await b.submit('/calculator/steps/3', { body_fat_percent: '' });
    expect(res.headers.location).toBe('/calculator/targets');
    const targets = await b.get('/calculator/targets');
    const kcal = /<strong>(\d+)<\/strong> kcal a day/.exec(targets.body)?.[1];
    const [id, token] = decodeURIComponent(b.cookieHeader('/calculator')!.split('=')[1]!).split('.');
    const api = (
      await app.inject({ url: `/api/v1/calculator/sessions/${id}`, headers: { 'x-session-token': token! } })
    ).json() as { macros: { calories: number }; answers: Record<string, unknown> };
    expect(Number(kcal)).toBe(api.macros.calories);
    expect(api.answers.weight_kg).toBe(72.5);

    // step 4, then the tiers with prices from the database
    await (await db.owner()).query(`UPDATE payment_tiers SET price_cents = 1234 WHERE code = 'doctor'`);
    res = await b.submit('/calculator/steps/4', STEP4);
    expect(res.headers.location).toBe('/calculator/tier');
    const tiers = await b.get('/calculator/tier');
    expect(tiers.body).toContain('$12.34');
    expect(tiers.body).toContain('Physician consultation guide');
    expect(tiers.body).toContain('review the plan with your doctor'); // the health warning
    // no tier chosen: an error at the field, not a 400
    res = await b.submit('/calculator/tier', {}, '/calculator/checkout');
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Choose a report');
    res = await b.submit('/calculator/tier', { tier: 'doctor' }, '/calculator/checkout');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/\/api\/v1\/payments\/sandbox\/cs_sandbox_\w+$/);
    const checkout = await app.inject({ url: new URL(res.headers.location as string).pathname });
    expect(checkout.body).toContain('$12.34');
    expect(checkout.body).toContain('Physician consultation guide'); // what the tier includes
  });

  it('refuses form posts from other sites and posts without the session’s form token', async () => {
    const b = await started();
    const page = await b.get('/calculator/steps/1');
    const csrf = FormBrowser.formToken(page.body);
    const fields = { ...METRIC, units: 'metric' };
    for (const [headers, body] of [
      [{}, fields], // no token
      [{}, { ...fields, _csrf: csrf.slice(0, -2) + 'xx' }], // a wrong one
      [{ origin: 'https://evil.example' }, { ...fields, _csrf: csrf }],
      [{ 'sec-fetch-site': 'cross-site' }, { ...fields, _csrf: csrf }],
      [
        { 'sec-fetch-site': 'same-site', origin: 'https://shop.localhost' },
        { ...fields, _csrf: csrf },
      ],
      [{ origin: 'null' }, { ...fields, _csrf: csrf }],
    ] as const) {
      const res = await b.post('/calculator/steps/1', body, headers);
      expect(res.statusCode).toBe(403);
      expect(res.body).toContain('This form could not be accepted');
    }
    const other = await b.post('/calculator/start', {}, { origin: 'https://evil.example' });
    expect(other.statusCode).toBe(403);
    // nothing was saved by the refused posts
    const [id, token] = decodeURIComponent(b.cookieHeader('/calculator')!.split('=')[1]!).split('.');
    const api = (
      await app.inject({ url: `/api/v1/calculator/sessions/${id}`, headers: { 'x-session-token': token! } })
    ).json() as { step_completed: number };
    expect(api.step_completed).toBe(0);
  });

  it('asks in feet, inches and pounds and stores the buyer’s units', async () => {
    const b = await started();
    const page = await b.get('/calculator/steps/1?units=imperial');
    expect(page.body).toContain('id="f-height_ft"');
    expect(page.body).not.toContain('id="f-height_cm"');
    const res = await b.submit(
      '/calculator/steps/1?units=imperial',
      {
        sex: 'male',
        age: 35,
        height_ft: 5,
        height_in: 10,
        weight_lbs: 185,
        units: 'imperial',
      },
      '/calculator/steps/1',
    );
    expect(res.headers.location).toBe('/calculator/steps/2');
    const again = await b.get('/calculator/steps/1');
    expect(again.body).toMatch(/id="f-weight_lbs"[^>]*value="185"/);
  });

  it('e-mails a resume link from any step; the link opens that step with the answers kept', async () => {
    const b = await started();
    await b.submit('/calculator/steps/1', { ...METRIC, units: 'metric' });
    await b.submit('/calculator/steps/2', STEP2);
    const later = await b.submit(
      '/calculator/steps/3',
      { body_fat_percent: 27, email: 'later@example.com' },
      '/calculator/steps/3/later',
    );
    expect(later.statusCode).toBe(200);
    expect(later.body).toContain('Check your e-mail');

    const list = await app.inject({ url: '/dev/mail' });
    expect(list.statusCode).toBe(200);
    const messageUrl = /href="(\/dev\/mail\/[0-9a-f-]{36})">Continue your nutrition calculator/.exec(
      list.body,
    )?.[1];
    const message = await app.inject({ url: messageUrl! });
    const link = /href="(http[^"]+\/calculator\/resume\?[^"]+)"/
      .exec(message.body)?.[1]
      ?.replace(/&amp;/g, '&');
    expect(link).toBeDefined();

    // another browser (the phone) opens it: the cookie is set, the URL loses the token at once
    const phone = new FormBrowser(app);
    const opened = await phone.get(new URL(link!).pathname + new URL(link!).search);
    expect([opened.statusCode, opened.headers.location]).toEqual([303, '/calculator/steps/3']);
    expect(opened.headers['referrer-policy']).toBe('no-referrer');
    const step3 = await phone.get('/calculator/steps/3');
    expect(step3.body).toMatch(/id="f-body_fat_percent"[^>]*value="27"/);
    const step1 = await phone.get('/calculator/steps/1');
    expect(step1.body).toMatch(/id="f-height_cm"[^>]*value="168"/);

    const broken = await new FormBrowser(app).get(
      `/calculator/resume?session_id=${crypto.randomUUID()}&session_token=nope`,
    );
    expect(broken.statusCode).toBe(404);
    expect(broken.body).toContain('This link does not work any more');
  });

  it('sends a buyer whose return link was used a fresh link to their report', async () => {
    const b = await started();
    await b.submit('/calculator/steps/1', { ...METRIC, units: 'metric' });
    await b.submit('/calculator/steps/2', STEP2);
    await b.submit('/calculator/steps/3', {});
    await b.submit('/calculator/steps/4', { ...STEP4, email: 'lost.link@example.com' });
    const res = await b.submit('/calculator/tier', { tier: 'bundle' }, '/calculator/checkout');
    const checkoutId = (res.headers.location as string).split('/').pop()!;
    await app.inject({ method: 'POST', url: `/api/v1/payments/sandbox/${checkoutId}/complete` });
    // the return link works once; the second time it offers the e-mail form
    const first = await app.inject({ url: `/calculator/paid?checkout_session_id=${checkoutId}` });
    expect(first.statusCode).toBe(303);
    const again = await app.inject({ url: `/calculator/paid?checkout_session_id=${checkoutId}` });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('action="/calculator/report-link"');

    const sent = await new FormBrowser(app).post('/calculator/report-link', {
      email: 'Lost.Link@example.com',
    });
    expect(sent.statusCode).toBe(200);
    const [mail] = await (
      await db.owner()
    ).query(
      `SELECT text_body FROM mail_outbox WHERE to_address = 'lost.link@example.com' AND template = 'report.link'`,
    );
    const path = new URL(/(http\S+\/r\/[A-Za-z0-9_-]+)/.exec(mail.text_body)![1]!).pathname;
    const report = await app.inject({ url: path });
    expect(report.statusCode).toBe(202); // the report's progress page: the new link opens it
    expect(report.body).toContain('Your report is being written');
  });

  it('answers a resume or report-link request the same whether or not the address is known', async () => {
    const known = await new FormBrowser(app).post('/calculator/report-link', { email: 'nobody@example.com' });
    const invalid = await new FormBrowser(app).post('/calculator/report-link', { email: 'not an address' });
    expect(known.statusCode).toBe(200);
    expect(known.body).toContain('If nobody@example.com bought a report');
    expect(invalid.statusCode).toBe(422);
    const resume = await new FormBrowser(app).post('/calculator/resume-link', {
      email: 'nobody@example.com',
    });
    expect(resume.statusCode).toBe(200);
    expect(resume.body).toContain('If a calculator was saved with nobody@example.com');
  });
});

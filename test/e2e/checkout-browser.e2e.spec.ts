import { existsSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type Browser } from 'playwright-core';
import { createWorkerApp } from '../../apps/worker/src/worker.app.js';
import { createApiApp } from '../support/api-app.js';
import { CalculatorClient, MICHAEL } from '../support/calculator-client.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { FakeStripe } from '../support/fake-stripe.js';

/**
 * A buyer in a browser (Debian's chromium), sandbox payments: checkout_url is a payment page →
 * Pay → the built-in return (/calculator/paid) → the report page, a self-refreshing progress page
 * until the report is written → the report with the buyer's name. No console errors, no CSP
 * violations. Skipped by name where no browser is installed.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`SKIPPED "checkout in a browser": no browser at ${CHROMIUM}`);

describeWithBrowser('sandbox checkout to report in a browser (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let worker: INestApplicationContext | undefined;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url, { PUBLIC_BASE_URL: 'http://127.0.0.1:1' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = await app.getUrl();
    await app.close();
    // again, now that the port is known: the success URL and links point at this server
    app = await createApiApp(testConfig(db.url, { PUBLIC_BASE_URL: base, PORT: new URL(base).port }));
    await app.listen({ port: Number(new URL(base).port), host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), worker?.close()]);
    await db?.drop();
  });

  it('pays on the checkout page, returns to a progress page, and ends on the report', async () => {
    const buyer = await new CalculatorClient(app).start();
    await buyer.completeSteps({ ...MICHAEL, step4: { ...MICHAEL.step4, first_name: 'Michaela' } });
    const { checkout_url } = await buyer.checkout('doctor');

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(checkout_url);
    await expect(page.locator('h1').innerText()).resolves.toContain('Doctor');
    await expect(page.locator('.price').innerText()).resolves.toMatch(/\$\d/);
    // no worker yet: the return lands on the progress page first
    await Promise.all([
      page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/),
      page.locator('button', { hasText: 'Pay' }).click(),
    ]);
    await expect(page.locator('h1').innerText()).resolves.toBe('Your report is being written');
    await expect(page.locator('meta[http-equiv="refresh"]').getAttribute('content')).resolves.toBe('3');
    const reportUrl = page.url();

    worker = await createWorkerApp(testConfig(db.url, { PUBLIC_BASE_URL: base }));
    // the page refreshes itself into the report
    await page.waitForSelector('text=Michaela', { timeout: 60_000 });
    expect(page.url()).toBe(reportUrl);
    await expect(page.title()).resolves.toContain('Michaela');

    expect(problems).toEqual([]); // (before the deliberate 409 below, which chromium logs)

    // the return link works once: history or a forwarded URL opens nothing
    const again = await page.goto(
      `${base}/calculator/paid?checkout_session_id=${new URL(checkout_url).pathname.split('/').pop()}`,
    );
    expect(again?.status()).toBe(409);
    await expect(page.locator('h1').innerText()).resolves.toBe('This link was already used');
  }, 120_000);

  it('cancel returns to a page that says nothing was charged', async () => {
    const buyer = await new CalculatorClient(app).start();
    await buyer.completeSteps();
    const { checkout_url } = await buyer.checkout('doctor');
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
    await page.goto(checkout_url);
    await Promise.all([
      page.waitForURL(/\/calculator\/checkout-cancelled$/),
      page.locator('button', { hasText: 'Cancel' }).click(),
    ]);
    await expect(page.locator('h1').innerText()).resolves.toBe('Payment cancelled');
    expect(problems).toEqual([]);
  }, 60_000);

  it('with Stripe (the real SDK, a fake Stripe API): its page → Pay → success URL with the checkout id → report', async () => {
    const fake = await new FakeStripe().start();
    const stripeApp = await createApiApp(
      testConfig(db.url, {
        PUBLIC_BASE_URL: base,
        STRIPE_SECRET_KEY: 'sk_test_browser',
        STRIPE_WEBHOOK_SECRET: 'whsec_browser',
        STRIPE_API_BASE: fake.baseUrl,
      }),
    );
    await app.close(); // the Stripe-mode api takes the port the return URLs name
    await stripeApp.listen({ port: Number(new URL(base).port), host: '127.0.0.1' });
    app = stripeApp;
    try {
      const buyer = await new CalculatorClient(app).start();
      await buyer.completeSteps({ ...MICHAEL, step4: { ...MICHAEL.step4, first_name: 'Stripeta' } });
      const { checkout_url, checkout_session_id } = await buyer.checkout('doctor');
      expect(checkout_url.startsWith(fake.baseUrl)).toBe(true);
      // Stripe was asked to return to the built-in success route with its placeholder
      expect(fake.sessions.get(checkout_session_id)!.success_url).toBe(
        `${base}/calculator/paid?checkout_session_id={CHECKOUT_SESSION_ID}`,
      );
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => (m.type() === 'error' ? problems.push(m.text()) : undefined));
      await page.goto(checkout_url);
      await Promise.all([
        page.waitForURL(/\/r\/[A-Za-z0-9_-]+$/),
        page.locator('button', { hasText: 'Pay' }).click(),
      ]);
      await page.waitForSelector('text=Stripeta', { timeout: 60_000 });
      await expect(page.title()).resolves.toContain('Stripeta');
      expect(problems).toEqual([]);
    } finally {
      await fake.stop();
    }
  }, 120_000);
});

import { existsSync } from 'node:fs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApiApp } from '../support/api-app.js';
import { createTestDatabase, testConfig, type TestDatabase } from '../support/database.js';
import { ADMIN_KEY, createVendor, product, type VendorClient } from '../support/vendor-client.js';

/**
 * Swagger UI as a person uses it (Debian's chromium, installed by .ci/run): authorise with a
 * vendor key, "Try it out" on a path-parameter route and on a POST with the example body the
 * document provides; authorise with a calculator session token (a security scheme, not a header
 * parameter) and run a step with its example. Skipped by name where no browser is installed, never silently passed.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`SKIPPED "Swagger UI in a browser": no browser at ${CHROMIUM}`);

describeWithBrowser('Swagger UI at /docs in a browser (e2e)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let browser: Browser;
  let page: Page;
  let vendor: VendorClient;
  let productId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createApiApp(testConfig(db.url, { ADMIN_API_KEY: ADMIN_KEY }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    vendor = (await createVendor(app, 'swagger-ui')).client;
    const res = await vendor.request('POST', '/products', product('SKU-UI-1', { name: 'Oat bar' }));
    productId = res.json().id;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage();
    page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${await app.getUrl()}/docs`);
    await page.waitForSelector('.swagger-ui .opblock', { timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  /** Opens an operation, presses "Try it out", lets `fill` set its fields, executes; the status. */
  async function tryItOut(
    operationId: string,
    tag: string,
    fill: (op: ReturnType<Page['locator']>) => Promise<void>,
  ) {
    const op = page.locator(`#operations-${tag}-${operationId}`);
    await op.locator('.opblock-summary').first().click();
    await op.locator('button.try-out__btn').click();
    await fill(op);
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status').first();
    await status.waitFor({ timeout: 15_000 });
    return (await status.innerText()).trim();
  }

  it('authorises with a vendor key and runs GET /api/v1/products/{id} → 200', async () => {
    await page.locator('button.authorize').first().click();
    const vendorScheme = page.locator('.modal-ux .auth-container').filter({ hasText: 'vendor' });
    await vendorScheme.locator('input').first().fill(vendor.token);
    await vendorScheme.locator('button.authorize').click();
    await page.locator('.modal-ux button.close-modal').click();

    const status = await tryItOut('products_get', 'products', async (op) => {
      await op.locator('tr[data-param-name="id"] input').fill(productId);
    });
    expect(status).toBe('200');
    await expect(
      page.locator('#operations-products-products_get .live-responses-table').innerText(),
    ).resolves.toContain('Oat bar');
  }, 60_000);

  it('runs POST /api/v1/products with the documented example body → 201', async () => {
    const status = await tryItOut('products_create', 'products', async (op) => {
      await op.locator('tr[data-param-name="Idempotency-Key"] input').fill('swagger-ui-try-1');
    });
    expect(status).toBe('201');
    const search = await vendor.request('GET', '/search?q=jerky');
    expect(search.json().data.map((h: { external_id: string }) => h.external_id)).toContain('SKU-00042');
  }, 60_000);

  it('authorises with a calculator session token and runs step 1 with its example → 200', async () => {
    const created = (await app.inject({ method: 'POST', url: '/api/v1/calculator/sessions' })).json() as {
      id: string;
      session_token: string;
    };
    await page.locator('button.authorize').first().click();
    const sessionScheme = page.locator('.modal-ux .auth-container').filter({ hasText: 'X-Session-Token' });
    await sessionScheme.locator('input').first().fill(created.session_token);
    await sessionScheme.locator('button.authorize').click();
    await page.locator('.modal-ux button.close-modal').click();

    const status = await tryItOut('calculator_step1', 'calculator', async (op) => {
      // the token is the security scheme only: no header field to fill on the operation
      await expect(op.locator('tr[data-param-name="X-Session-Token"]').count()).resolves.toBe(0);
    });
    expect(status).toBe('200');
    const session = await app.inject({
      url: `/api/v1/calculator/sessions/${created.id}`,
      headers: { 'x-session-token': created.session_token },
    });
    expect(session.json()).toMatchObject({ step_completed: 1, answers: { weight_lbs: 185, height_ft: 5 } });
  }, 60_000);

  it('logged no errors in the page (scripts, CSP)', () => {
    expect(errors).toEqual([]);
  });
});
